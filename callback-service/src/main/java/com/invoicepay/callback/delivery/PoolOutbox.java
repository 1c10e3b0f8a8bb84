package com.invoicepay.callback.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.outbox.OutboxRelay;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * common's {@code Outbox} writes through a Hibernate Reactive session; the delivery path works on the
 * Vert.x SQL pool, so this writes the same {@code outbox_event} row through a pool connection, in the
 * caller's transaction, and nudges the same {@link OutboxRelay}.
 */
@ApplicationScoped
public class PoolOutbox {
    private final PlatformConfig config;
    private final OutboxRelay relay;

    public PoolOutbox(PlatformConfig config, OutboxRelay relay) {
        this.config = config;
        this.relay = relay;
    }

    public Uni<Void> add(SqlConnection connection, String topic, String key, EventEnvelope event) {
        String json;
        try {
            json = EventJson.MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("event cannot be serialized", e));
        }
        // bound as text first: the client would send a String bound to jsonb as a JSON string literal
        return connection.preparedQuery("""
                        insert into outbox_event (event_id, topic, record_key, envelope, created_at)
                        values ($1, $2, $3, cast(cast($4 as text) as jsonb), now())""")
                .execute(Tuple.of(event.eventId(), config.topicPrefix().orElse("") + topic, key, json))
                .replaceWithVoid();
    }

    /** After the transaction committed: publish soon. */
    public void nudge() {
        relay.nudge();
    }
}
