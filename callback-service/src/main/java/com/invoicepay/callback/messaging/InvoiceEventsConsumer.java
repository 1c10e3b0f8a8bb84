package com.invoicepay.callback.messaging;

import com.invoicepay.callback.config.CallbackConfig;
import com.invoicepay.callback.delivery.DeliveryJob;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.common.messaging.ProcessedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ingests {@code invoice-events}. Idempotent on {@code eventId}: the processed-events row is written
 * in the same transaction as the event's effect, and the offset is committed only after it. The
 * effect of a status change is a {@code pending_item} row, which the flush job sends in a batch.
 */
@ApplicationScoped
public class InvoiceEventsConsumer {
    static final String CONSUMER = "callback-ingest";
    private static final Logger LOG = Logger.getLogger(InvoiceEventsConsumer.class);

    static final Set<String> STATUS_TYPES = Set.of("InvoiceCreated", "InvoiceInvalid", "InvoiceAccepted", "InvoicePaid",
            "InvoiceRejected", "InvoiceExpired", "InvoiceCanceled");

    private final ProcessedEvents processed;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final CallbackConfig config;
    private final DeliveryJob job;

    public InvoiceEventsConsumer(ProcessedEvents processed, MeterRegistry metrics, Clock clock, CallbackConfig config,
                                 DeliveryJob job) {
        this.processed = processed;
        this.metrics = metrics;
        this.clock = clock;
        this.config = config;
        this.job = job;
    }

    /**
     * One transaction per polled batch of records (in partition order): each event's dedup row and
     * pending item, then one commit; the offsets follow only after it. A failure rolls the whole
     * batch back and it is delivered again, which the dedup rows make harmless.
     */
    @Incoming("invoice-events")
    public Uni<Void> consume(List<EventEnvelope> records) {
        List<EventEnvelope> events = records.stream().filter(java.util.Objects::nonNull).toList(); // null: not an envelope
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        AtomicBoolean fullBatch = new AtomicBoolean();
        boolean[] first = new boolean[events.size()];
        java.util.Set<java.util.UUID> merchants = new java.util.LinkedHashSet<>();
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> Multi.createFrom().range(0, events.size())
                        // one after the other: a session is not for concurrent use, and order is the partition's
                        .onItem().transformToUniAndConcatenate(i -> processed.firstDelivery(session, CONSUMER, events.get(i))
                                .invoke(f -> first[i] = f)
                                .chain(f -> f ? pendingItem(session, events.get(i)).invoke(added -> {
                                    if (added) {
                                        merchants.add(events.get(i).merchantId());
                                    }
                                }) : Uni.createFrom().item(false)))
                        .collect().last()
                        // once per merchant of the batch: its delivery row, and whether a full batch waits
                        .chain(() -> Multi.createFrom().iterable(merchants)
                                .onItem().transformToUniAndConcatenate(m -> merchantQueued(session, m).invoke(full -> {
                                    if (full) {
                                        fullBatch.set(true);
                                    }
                                }))
                                .collect().last())))
                .invoke(() -> {
                    if (fullBatch.get()) {
                        job.nudge(); // after the commit, so the pass sees these items
                    }
                    for (int i = 0; i < events.size(); i++) {
                        metrics.counter("events_consumed", "consumer", CONSUMER, "outcome", first[i] ? "applied" : "duplicate").increment();
                        LOG.debugf("%s %s %s", first[i] ? "applied" : "skipped duplicate", events.get(i).type(), events.get(i).eventId());
                    }
                })
                .replaceWithVoid();
    }

    /** A status change of an invoice becomes a pending callback item (true); other types have no callback. */
    private Uni<Boolean> pendingItem(Mutiny.Session session, EventEnvelope event) {
        if (!STATUS_TYPES.contains(event.type()) || event.merchantId() == null || event.payload() == null) {
            return Uni.createFrom().item(false);
        }
        InvoiceStatusChanged change;
        try {
            change = event.payloadAs(InvoiceStatusChanged.class);
        } catch (IllegalArgumentException unreadable) {
            LOG.warnf("skipped %s %s: %s", event.type(), event.eventId(), unreadable.getMessage());
            return Uni.createFrom().item(false);
        }
        if (change.invoiceId() == null || change.status() == null || change.date() == null) {
            LOG.warnf("skipped %s %s: no invoiceId, status or date", event.type(), event.eventId());
            return Uni.createFrom().item(false);
        }
        boolean invalid = "Invalid".equals(change.status());
        // one JSON parameter: absent values stay SQL nulls without typed null bindings
        var row = EventJson.MAPPER.createObjectNode()
                .put("event_id", event.eventId().toString())
                .put("merchant_id", event.merchantId().toString())
                .put("invoice_id", change.invoiceId().toString())
                .put("status", change.status())
                .put("status_date", change.date().toString())
                .put("sequence", change.sequence())
                .put("received_at", clock.instant().toString());
        if ("Accepted".equals(change.status()) && change.paymentDate() != null) {
            row.put("payment_date", change.paymentDate().toString());
        }
        if (invalid) {
            row.put("error_code", change.errorCode());
            row.put("error_message", truncate(change.errorMessage(), 500));
        }
        if (change.links() != null && !change.links().isEmpty()) {
            row.put("links", EventJson.MAPPER.valueToTree(change.links()).toString());
        }
        return session.createNativeQuery("""
                        insert into pending_item (event_id, merchant_id, invoice_id, status, status_date, sequence,
                                                  payment_date, error_code, error_message, links, received_at)
                        select event_id, merchant_id, invoice_id, status, status_date, sequence,
                               payment_date, error_code, error_message, links, received_at
                        from jsonb_to_record(cast(cast(:row as text) as jsonb)) as r(event_id uuid, merchant_id uuid,
                             invoice_id uuid, status varchar, status_date timestamptz, sequence bigint, payment_date date,
                             error_code varchar, error_message varchar, links text, received_at timestamptz)""")
                .setParameter("row", row.toString())
                .executeUpdate()
                .invoke(() -> metrics.counter("callback_items_ingested").increment())
                .replaceWith(true);
    }

    /** The merchant's delivery row exists; true when a full batch of its items is waiting. */
    private Uni<Boolean> merchantQueued(Mutiny.Session session, java.util.UUID merchantId) {
        return session.createNativeQuery("insert into merchant_delivery (merchant_id) values (:m) on conflict do nothing")
                .setParameter("m", merchantId).executeUpdate()
                .chain(() -> session.createNativeQuery(
                                "select count(*) from (select 1 from pending_item where merchant_id = :m and batch_id is null limit :n) t",
                                Long.class)
                        .setParameter("m", merchantId).setParameter("n", config.batchSizeLimit()).getSingleResult())
                .map(n -> n >= config.batchSizeLimit());
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
