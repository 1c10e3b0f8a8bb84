package com.invoicepay.report.messaging;

import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.common.messaging.ProcessedEvents;
import com.invoicepay.report.ledger.Ledger;
import com.invoicepay.report.ops.OpsCounts;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Books {@code InvoicePaid} from {@code invoice-events} into the ledger. Idempotent on
 * {@code eventId} (the processed-events row is written in the booking's transaction) and on the
 * invoice (one Payment per invoice, a unique index). InvoiceCreated, InvoiceExpired and InvoiceCanceled
 * are counted per day for the ops dashboard ({@link OpsCounts}); other invoice events are not read.
 */
@ApplicationScoped
public class InvoiceEventsConsumer {
    static final String CONSUMER = "report-ledger";
    static final String PAID = InvoiceStatusChanged.typeOf("Paid");
    private static final Logger LOG = Logger.getLogger(InvoiceEventsConsumer.class);

    private final ProcessedEvents processed;
    private final Ledger ledger;
    private final MeterRegistry metrics;
    private final OpsCounts counts;

    public InvoiceEventsConsumer(ProcessedEvents processed, Ledger ledger, MeterRegistry metrics, OpsCounts counts) {
        this.processed = processed;
        this.ledger = ledger;
        this.metrics = metrics;
        this.counts = counts;
    }

    @Incoming("invoice-events")
    public Uni<Void> consume(EventEnvelope event) {
        if (event == null) {
            return Uni.createFrom().voidItem(); // not an envelope (the connector logged it)
        }
        String opsMetric = OpsCounts.metricOf(event.type());
        if (opsMetric != null) {
            return counts.count(opsMetric, event)
                    .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(8)
                    .invoke(outcome -> metrics.counter("events_consumed", "consumer", OpsCounts.CONSUMER, "outcome", outcome).increment())
                    .replaceWithVoid();
        }
        if (!PAID.equals(event.type())) {
            return Uni.createFrom().voidItem(); // not the ledger's business
        }
        return Panache.withTransaction(() -> Panache.getSession()
                        .chain(session -> processed.firstDelivery(session, CONSUMER, event)
                                .chain(first -> first
                                        ? ledger.bookPaid(session, event, event.payloadAs(InvoiceStatusChanged.class))
                                        .map(booked -> booked.newPayment() ? "booked" : "invoice-already-booked")
                                        : Uni.createFrom().item("duplicate"))))
                // a database hiccup is retried; an unreadable payload is logged and skipped, not retried forever
                .onFailure(e -> !(e instanceof IllegalArgumentException)).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(8)
                .onFailure(IllegalArgumentException.class).recoverWithItem(e -> {
                    LOG.errorf("InvoicePaid %s skipped: %s", event.eventId(), e.getMessage());
                    return "rejected";
                })
                .invoke(outcome -> {
                    metrics.counter("events_consumed", "consumer", CONSUMER, "outcome", outcome).increment();
                    LOG.debugf("%s %s %s", outcome, event.type(), event.eventId());
                })
                .replaceWithVoid();
    }
}
