package com.invoicepay.common.outbox;

import com.invoicepay.common.tracing.TraceContexts;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Writes an event into the service's {@code outbox_event} table inside the caller's transaction,
 * so the state change and its announcement commit together or not at all. {@link OutboxRelay}
 * publishes it afterwards. Every service that publishes has the table (its own migration).
 */
@ApplicationScoped
public class Outbox {
    private final PlatformConfig config;
    private final OutboxRelay relay;

    public Outbox(PlatformConfig config, OutboxRelay relay) {
        this.config = config;
        this.relay = relay;
    }

    /**
     * Adds many events under one key in one statement, in list order (their sequence numbers, and so
     * their order on the partition, follow the list): a 2 000-invoice batch is one round trip, not 2 000.
     */
    public Uni<Void> addAll(Mutiny.Session session, String topic, String key, java.util.List<EventEnvelope> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String json = json(events);
        return session.createNativeQuery("""
                        insert into outbox_event (event_id, topic, record_key, envelope, created_at, trace_parent)
                        select cast(e ->> 'eventId' as uuid), :topic, :key, e, now(), cast(:traceParent as text)
                        from jsonb_array_elements(cast(cast(:events as text) as jsonb)) with ordinality as t(e, n)
                        order by n""")
                .setParameter("topic", config.topicPrefix().orElse("") + topic)
                .setParameter("key", key)
                .setParameter("events", json)
                .setParameter("traceParent", TraceContexts.current())
                .executeUpdate()
                .invoke(relay::nudge)
                .replaceWithVoid();
    }

    /**
     * The same row on a Vert.x SQL connection's transaction, for services that work on the pool
     * directly. It does not nudge the relay: call {@link #nudge()} once the transaction committed.
     */
    public Uni<Void> add(io.vertx.mutiny.sqlclient.SqlConnection connection, String topic, String key, EventEnvelope event) {
        return add(connection, topic, key, event, TraceContexts.current());
    }

    /** The same, in the trace of {@code traceParent} rather than the current one (an aggregate's own span). */
    public Uni<Void> add(io.vertx.mutiny.sqlclient.SqlConnection connection, String topic, String key, EventEnvelope event,
                         String traceParent) {
        String json = json(event);
        return connection.preparedQuery("""
                        insert into outbox_event (event_id, topic, record_key, envelope, created_at, trace_parent)
                        values ($1, $2, $3, cast(cast($4 as text) as jsonb), now(), $5)""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(event.eventId(), config.topicPrefix().orElse("") + topic, key, json,
                        traceParent))
                .replaceWithVoid();
    }

    /** One row of {@link #addAll(io.vertx.mutiny.sqlclient.SqlConnection, String, java.util.List)}. */
    public record Keyed(String key, EventEnvelope event, String traceParent) {
    }

    /**
     * Many events, each under its own key and in its own trace, in one statement on a Vert.x SQL
     * connection's transaction, in list order (a delivery pass records all its batches at once).
     * Like {@link #add(io.vertx.mutiny.sqlclient.SqlConnection, String, String, EventEnvelope)}, it does not nudge.
     */
    public Uni<Void> addAll(io.vertx.mutiny.sqlclient.SqlConnection connection, String topic, java.util.List<Keyed> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String json = json(rows);
        return connection.preparedQuery("""
                        insert into outbox_event (event_id, topic, record_key, envelope, created_at, trace_parent)
                        select cast(r -> 'event' ->> 'eventId' as uuid), $1, r ->> 'key', r -> 'event', now(), r ->> 'traceParent'
                        from jsonb_array_elements(cast(cast($2 as text) as jsonb)) with ordinality as t(r, n)
                        order by n""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(config.topicPrefix().orElse("") + topic, json))
                .replaceWithVoid();
    }

    /** Events are records of plain values: failing to serialize one is a programming error, thrown at once. */
    private static String json(Object value) {
        try {
            return EventJson.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be serialized", e);
        }
    }

    /** Publish soon: after a transaction that added rows committed. */
    public void nudge() {
        relay.nudge();
    }

    /** Adds {@code event} for {@code topic} (unprefixed name from Topics) with record key {@code key}. */
    public Uni<Void> add(Mutiny.Session session, String topic, String key, EventEnvelope event) {
        return add(session, topic, key, event, TraceContexts.current());
    }

    /** The same, in the trace of {@code traceParent} rather than the current one (an aggregate's own span). */
    public Uni<Void> add(Mutiny.Session session, String topic, String key, EventEnvelope event, String traceParent) {
        String json = json(event);
        // bound as text first: the client would send a String bound to jsonb as a JSON string literal
        return session.createNativeQuery("""
                        insert into outbox_event (event_id, topic, record_key, envelope, created_at, trace_parent)
                        values (:id, :topic, :key, cast(cast(:envelope as text) as jsonb), now(), cast(:traceParent as text))""")
                .setParameter("id", event.eventId())
                .setParameter("topic", config.topicPrefix().orElse("") + topic)
                .setParameter("key", key)
                .setParameter("envelope", json)
                .setParameter("traceParent", traceParent)
                .executeUpdate()
                .invoke(relay::nudge)
                .replaceWithVoid();
    }
}
