package com.invoicepay.report.ops;

import com.invoicepay.common.events.CallbackEvent;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.common.messaging.ProcessedEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The daily counts of the ops dashboard that no other table holds (ops_daily_count): which envelope
 * type counts as which metric, and the count itself, idempotent on eventId.
 */
@ApplicationScoped
public class OpsCounts {
    /** The processed-events consumer name of every ops count (event ids are unique across topics). */
    public static final String CONSUMER = "report-ops";
    public static final String INVOICES_CREATED = "invoices_created";
    public static final String INVOICES_EXPIRED = "invoices_expired";
    public static final String INVOICES_CANCELED = "invoices_canceled";
    public static final String CALLBACKS_DELIVERED = "callbacks_delivered";
    public static final String CALLBACKS_FAILED = "callbacks_failed";
    public static final String CALLBACKS_DEAD_LETTERED = "callbacks_dead_lettered";

    // test callbacks (certification) are not deliveries of merchants' batches: not counted
    private static final Map<String, String> METRIC_BY_TYPE = Map.of(
            InvoiceStatusChanged.typeOf("Created"), INVOICES_CREATED,
            InvoiceStatusChanged.typeOf("Expired"), INVOICES_EXPIRED,
            InvoiceStatusChanged.typeOf("Canceled"), INVOICES_CANCELED,
            CallbackEvent.DELIVERED, CALLBACKS_DELIVERED,
            CallbackEvent.FAILED, CALLBACKS_FAILED,
            CallbackEvent.DEAD_LETTERED, CALLBACKS_DEAD_LETTERED);

    private final ProcessedEvents processed;

    public OpsCounts(ProcessedEvents processed) {
        this.processed = processed;
    }

    /** The metric an envelope type counts towards, or null when the dashboard does not count it. */
    public static String metricOf(String envelopeType) {
        return envelopeType == null ? null : METRIC_BY_TYPE.get(envelopeType);
    }

    /** The dashboard's day of an event: the UTC date it occurred. */
    public static LocalDate dayOf(EventEnvelope event) {
        return LocalDate.ofInstant(event.occurredAt(), ZoneOffset.UTC);
    }

    /**
     * Counts the event towards its metric on its day, once per eventId (the processed-events row is
     * written in the same transaction). Returns the outcome for the consumer's metrics: counted, duplicate.
     */
    public Uni<String> count(String metric, EventEnvelope event) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> count(session, metric, event)));
    }

    /** The same in the caller's transaction (a consumer's batch). */
    public Uni<String> count(Mutiny.Session session, String metric, EventEnvelope event) {
        return processed.firstDelivery(session, CONSUMER, event)
                .chain(first -> first
                        ? session.createNativeQuery("""
                                        insert into ops_daily_count (day, metric, count) values (:day, :metric, 1)
                                        on conflict (day, metric) do update set count = ops_daily_count.count + 1""")
                        .setParameter("day", dayOf(event))
                        .setParameter("metric", metric)
                        .executeUpdate().replaceWith("counted")
                        : Uni.createFrom().item("duplicate"));
    }
}
