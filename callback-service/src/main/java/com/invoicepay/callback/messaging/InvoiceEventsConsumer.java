package com.invoicepay.callback.messaging;

import com.invoicepay.callback.config.CallbackConfig;
import com.invoicepay.callback.delivery.DeliveryJob;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.common.tracing.TraceContexts;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Ingests {@code invoice-events}. Idempotent on {@code eventId}: the processed-events row is written
 * in the same transaction as the event's effect, and the offset is committed only after it. The
 * effect of a status change is a {@code pending_item} row, which the flush job sends in a batch.
 * <p>
 * A polled batch of records is written set-wise, in one statement (dedup rows, the items of the
 * events seen for the first time, the merchants' delivery rows) and one check for full batches:
 * two round trips per poll instead of several per event, which bounded ingestion at a few hundred
 * events per second.
 */
@ApplicationScoped
public class InvoiceEventsConsumer {
    static final String CONSUMER = "callback-ingest";
    private static final Logger LOG = Logger.getLogger(InvoiceEventsConsumer.class);

    static final Set<String> STATUS_TYPES = Set.of("InvoiceCreated", "InvoiceInvalid", "InvoiceAccepted", "InvoicePaid",
            "InvoiceRejected", "InvoiceExpired", "InvoiceCanceled");

    private static final java.time.Instant LAST_STORABLE = java.time.Instant.parse("9999-12-31T23:59:59Z");

    private final Pool pool;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final CallbackConfig config;
    private final DeliveryJob job;

    public InvoiceEventsConsumer(Pool pool, MeterRegistry metrics, Clock clock, CallbackConfig config, DeliveryJob job) {
        this.pool = pool;
        this.metrics = metrics;
        this.clock = clock;
        this.config = config;
        this.job = job;
    }

    /**
     * One transaction per polled batch of records (in partition order). A failure rolls the whole
     * batch back and it is delivered again, which the dedup rows make harmless.
     */
    @Incoming("invoice-events")
    public Uni<Void> consume(ConsumerRecords<String, EventEnvelope> batch) {
        List<EventEnvelope> events = new ArrayList<>();
        List<String> traces = new ArrayList<>();
        // each record's traceparent (the outbox relay's producer span) stays with its item: the delivery links to it
        for (ConsumerRecord<String, EventEnvelope> record : batch) {
            if (record.value() != null) { // null: not an envelope
                events.add(record.value());
                Header header = record.headers().lastHeader(TraceContexts.TRACEPARENT);
                traces.add(header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        ArrayNode rows = EventJson.MAPPER.createArrayNode();
        for (int i = 0; i < events.size(); i++) {
            rows.add(row(i, events.get(i)).put("trace_parent", traces.get(i)));
        }
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        return pool.withTransaction(c -> c.preparedQuery("""
                                with incoming as (
                                  -- an event twice in one poll is one event
                                  select distinct on (event_id) * from jsonb_to_recordset($1::text::jsonb) as r(ord int, event_id uuid,
                                      event_type varchar, merchant_id uuid, invoice_id uuid, status varchar, status_date timestamptz,
                                      sequence bigint, payment_date date, error_code varchar, error_message varchar, links text,
                                      trace_parent text)
                                  order by event_id, ord),
                                fresh as (
                                  insert into processed_event (consumer, event_id, event_type, processed_at)
                                  select $2, event_id, event_type, $3 from incoming order by ord
                                  on conflict do nothing
                                  returning event_id),
                                items as (
                                  insert into pending_item (event_id, merchant_id, invoice_id, status, status_date, sequence,
                                                            payment_date, error_code, error_message, links, received_at, trace_parent)
                                  select i.event_id, i.merchant_id, i.invoice_id, i.status, i.status_date, i.sequence,
                                         i.payment_date, i.error_code, i.error_message, i.links, $3, i.trace_parent
                                  from incoming i join fresh f on f.event_id = i.event_id
                                  where i.invoice_id is not null
                                  order by i.ord
                                  returning merchant_id),
                                queued as (
                                  insert into merchant_delivery (merchant_id) select distinct merchant_id from items
                                  on conflict do nothing)
                                select (select count(*) from fresh) as applied, (select count(*) from items) as items,
                                       array(select distinct merchant_id from items) as merchants""")
                        .execute(Tuple.of(rows.toString(), CONSUMER, now))
                        .map(result -> result.iterator().next())
                        // a merchant whose unassigned items now fill a batch gets a pass at once (after the commit)
                        .chain(written -> c.preparedQuery("""
                                        select 1 from pending_item where merchant_id = any($1) and batch_id is null
                                        group by merchant_id having count(*) >= $2 limit 1""")
                                .execute(Tuple.of(written.getArrayOfUUIDs("merchants"), config.batchSizeLimit()))
                                .map(full -> new Ingested(written.getLong("applied"), written.getLong("items"), full.size() > 0))))
                .invoke(ingested -> {
                    if (ingested.fullBatch()) {
                        job.nudge();
                    }
                    metrics.counter("events_consumed", "consumer", CONSUMER, "outcome", "applied").increment(ingested.applied());
                    metrics.counter("events_consumed", "consumer", CONSUMER, "outcome", "duplicate").increment(events.size() - ingested.applied());
                    metrics.counter("callback_items_ingested").increment(ingested.items());
                    LOG.debugf("%d events: %d applied, %d items", events.size(), ingested.applied(), ingested.items());
                })
                .replaceWithVoid();
    }

    private record Ingested(long applied, long items, boolean fullBatch) {
    }

    /**
     * The event as a row of the batch statement; a status change also carries its item's fields
     * (invoice_id set), other types and unreadable payloads only their dedup fields.
     */
    private ObjectNode row(int ord, EventEnvelope event) {
        ObjectNode row = EventJson.MAPPER.createObjectNode()
                .put("ord", ord)
                .put("event_id", event.eventId().toString())
                .put("event_type", event.type());
        if (!STATUS_TYPES.contains(event.type()) || event.merchantId() == null || event.payload() == null) {
            return row;
        }
        InvoiceStatusChanged change;
        try {
            change = event.payloadAs(InvoiceStatusChanged.class);
        } catch (IllegalArgumentException unreadable) {
            LOG.warnf("skipped %s %s: %s", event.type(), event.eventId(), unreadable.getMessage());
            return row;
        }
        if (change.invoiceId() == null || change.status() == null || change.date() == null) {
            LOG.warnf("skipped %s %s: no invoiceId, status or date", event.type(), event.eventId());
            return row;
        }
        // one record the database cannot store would fail every poll of its partition and stop the channel
        if (change.date().isAfter(LAST_STORABLE) || (change.paymentDate() != null && change.paymentDate().getYear() > 9999)) {
            LOG.warnf("skipped %s %s: date %s beyond year 9999", event.type(), event.eventId(), change.date());
            return row;
        }
        row.put("merchant_id", event.merchantId().toString())
                .put("invoice_id", change.invoiceId().toString())
                .put("status", change.status())
                .put("status_date", change.date().toString())
                .put("sequence", change.sequence());
        if ("Accepted".equals(change.status()) && change.paymentDate() != null) {
            row.put("payment_date", change.paymentDate().toString());
        }
        if ("Invalid".equals(change.status())) {
            row.put("error_code", change.errorCode());
            row.put("error_message", truncate(change.errorMessage(), 500));
        }
        if (change.links() != null && !change.links().isEmpty()) {
            row.put("links", EventJson.MAPPER.valueToTree(change.links()).toString());
        }
        return row;
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
