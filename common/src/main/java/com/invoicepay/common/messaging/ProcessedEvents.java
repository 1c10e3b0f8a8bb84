package com.invoicepay.common.messaging;

import com.invoicepay.common.events.EventEnvelope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Clock;

/** The dedup step of an idempotent consumer, to be called inside the transaction of its effect. */
@ApplicationScoped
public class ProcessedEvents {
    private final Clock clock;

    public ProcessedEvents(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records that {@code consumer} applies {@code event} now. True the first time; false when the
     * event was applied before, in which case the caller skips its effect.
     */
    public Uni<Boolean> firstDelivery(Mutiny.Session session, String consumer, EventEnvelope event) {
        return session.createNativeQuery("""
                        insert into processed_event (consumer, event_id, event_type, processed_at)
                        values (:consumer, :eventId, :type, :at) on conflict do nothing""")
                .setParameter("consumer", consumer)
                .setParameter("eventId", event.eventId())
                .setParameter("type", event.type())
                .setParameter("at", clock.instant())
                .executeUpdate()
                .map(inserted -> inserted == 1);
    }
}
