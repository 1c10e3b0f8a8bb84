package com.invoicepay.report.messaging;

import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.common.messaging.ProcessedEvents;
import com.invoicepay.common.outbox.Outbox;
import com.invoicepay.common.tracing.TraceContexts;
import com.invoicepay.report.ledger.Ledger;
import com.invoicepay.report.ops.OpsCounts;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Books {@code InvoicePaid} from {@code invoice-events} into the ledger, a polled batch of records in one
 * transaction (a commit per event had held booking to about 80 events/s). Idempotent on {@code eventId}
 * (the processed-events row is written in the booking's transaction) and on the invoice (one Payment per
 * invoice, a unique index). InvoiceCreated, InvoiceExpired and InvoiceCanceled are counted per day for the
 * ops dashboard ({@link OpsCounts}) in the same transaction; other invoice events are not read.
 * <p>
 * A batch that fails is rolled back and its events are applied one by one, each in its own transaction:
 * a poison record (an unreadable payload, a payment point of another merchant, data the database refuses)
 * is logged, counted as rejected and skipped, so it never blocks its partition; a database outage is
 * retried, and fails the channel (the records are redelivered) when it lasts.
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
    private final Outbox outbox;
    private final Tracer tracer;

    public InvoiceEventsConsumer(ProcessedEvents processed, Ledger ledger, MeterRegistry metrics, OpsCounts counts,
                                 Outbox outbox, Tracer tracer) {
        this.processed = processed;
        this.ledger = ledger;
        this.metrics = metrics;
        this.counts = counts;
        this.outbox = outbox;
        this.tracer = tracer;
    }

    /** An event this consumer applies: an ops count ({@code opsMetric}) or a payment, with its record's trace. */
    record Work(EventEnvelope event, String opsMetric, String traceparent) {
        String consumer() {
            return opsMetric != null ? OpsCounts.CONSUMER : CONSUMER;
        }
    }

    @Incoming("invoice-events")
    public Uni<Void> consume(ConsumerRecords<String, EventEnvelope> records) {
        List<Work> ops = new ArrayList<>();
        List<Work> payments = new ArrayList<>();
        for (ConsumerRecord<String, EventEnvelope> r : records) {
            EventEnvelope event = r.value();
            if (event == null) {
                continue; // not an envelope (the connector logged it)
            }
            String opsMetric = OpsCounts.metricOf(event.type());
            if (opsMetric != null) {
                ops.add(new Work(event, opsMetric, null));
            } else if (PAID.equals(event.type())) {
                payments.add(new Work(event, null, traceparent(r)));
            }
        }
        // counts in (day, metric) order, so replicas' batches lock the shared count rows in one order;
        // payments in record order (a merchant's events are one partition's)
        ops.sort(Comparator.comparing((Work w) -> OpsCounts.dayOf(w.event())).thenComparing(Work::opsMetric));
        List<Work> work = new ArrayList<>(ops);
        work.addAll(payments);
        if (work.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> Multi.createFrom().iterable(work)
                        .onItem().transformToUniAndConcatenate(w -> apply(session, w)).collect().asList()))
                .invoke(outcomes -> {
                    outbox.nudge(); // the batch's transfer announcements are committed
                    metrics.counter("invoice_events_batches", "outcome", "committed").increment();
                    for (int i = 0; i < work.size(); i++) {
                        counted(work.get(i), outcomes.get(i));
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("a batch of %d invoice events failed (%s): applying them one by one", work.size(), failure.toString());
                    metrics.counter("invoice_events_batches", "outcome", "one-by-one").increment();
                    return Multi.createFrom().iterable(work).onItem().transformToUniAndConcatenate(this::alone)
                            .collect().last().invoke(outbox::nudge).replaceWithVoid();
                });
    }

    /** One event in its own transaction: a database hiccup is retried; a poison event is logged and skipped. */
    private Uni<Void> alone(Work w) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> apply(session, w)))
                .onFailure(e -> !poison(e)).retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(8)
                .onFailure(InvoiceEventsConsumer::poison).recoverWithItem(e -> {
                    LOG.errorf("%s %s skipped: %s", w.event().type(), w.event().eventId(), e.getMessage());
                    return "rejected";
                })
                .invoke(outcome -> counted(w, outcome))
                .replaceWithVoid();
    }

    /** Applies the event in the session's transaction; its outcome for the consumer's metrics. */
    private Uni<String> apply(Mutiny.Session session, Work w) {
        if (w.opsMetric() != null) {
            return counts.count(session, w.opsMetric(), w.event());
        }
        // the payment's own consuming span, in the trace its record carries
        Span span = tracer.spanBuilder("invoice-events receive").setSpanKind(SpanKind.CONSUMER)
                .setParent(TraceContexts.parent(w.traceparent())).startSpan();
        EventEnvelope event = w.event();
        return processed.firstDelivery(session, CONSUMER, event)
                .chain(first -> first
                        ? ledger.bookPaid(session, event, event.payloadAs(InvoiceStatusChanged.class),
                                TraceContexts.of(Context.root().with(span)))
                        .map(booked -> booked.newPayment() ? "booked" : "invoice-already-booked")
                        : Uni.createFrom().item("duplicate"))
                .onTermination().invoke(span::end);
    }

    private void counted(Work w, String outcome) {
        metrics.counter("events_consumed", "consumer", w.consumer(), "outcome", outcome).increment();
        LOG.debugf("%s %s %s", outcome, w.event().type(), w.event().eventId());
    }

    /**
     * An event that fails the same way however often it is retried: unreadable or refused by the ledger's
     * rules, or data the database refuses (SQLSTATE classes 22 data exception, 23 integrity constraint).
     */
    static boolean poison(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof IllegalArgumentException) {
                return true;
            }
            if (e instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    private static String traceparent(ConsumerRecord<String, EventEnvelope> record) {
        Header header = record.headers().lastHeader(TraceContexts.TRACEPARENT);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
