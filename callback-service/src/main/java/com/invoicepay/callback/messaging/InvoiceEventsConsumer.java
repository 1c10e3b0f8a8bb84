package com.invoicepay.callback.messaging;

import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.messaging.ProcessedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Ingests {@code invoice-events}. Idempotent on {@code eventId}: the processed-events row is written
 * in the same transaction as the event's effect, and the offset is committed only after it.
 * Turning status changes into pending callback items is the callback issue's work; this is the
 * ingestion path and its dedup.
 */
@ApplicationScoped
public class InvoiceEventsConsumer {
    static final String CONSUMER = "callback-ingest";
    private static final Logger LOG = Logger.getLogger(InvoiceEventsConsumer.class);

    private final ProcessedEvents processed;
    private final MeterRegistry metrics;

    public InvoiceEventsConsumer(ProcessedEvents processed, MeterRegistry metrics) {
        this.processed = processed;
        this.metrics = metrics;
    }

    @Incoming("invoice-events")
    public Uni<Void> consume(EventEnvelope event) {
        if (event == null) {
            return Uni.createFrom().voidItem(); // not an envelope: the connector logged it
        }
        return Panache.withTransaction(() -> Panache.getSession()
                        .chain(session -> processed.firstDelivery(session, CONSUMER, event)))
                .invoke(first -> {
                    metrics.counter("events_consumed", "consumer", CONSUMER, "outcome", first ? "applied" : "duplicate").increment();
                    LOG.debugf("%s %s %s", first ? "applied" : "skipped duplicate", event.type(), event.eventId());
                })
                .replaceWithVoid();
    }
}
