package com.invoicepay.report.transfer;

import com.invoicepay.common.tracing.TraceContexts;
import io.micrometer.core.instrument.MeterRegistry;
import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.outbox.Outbox;
import com.invoicepay.report.events.TransferExecuted;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * Writes an executed transfer in the caller's transaction: the transfer row, the items linking the
 * entries it settles, its (negative) Transfer ledger entry and TransferExecuted into the outbox.
 */
@ApplicationScoped
public class TransferWriter {
    private final Outbox outbox;
    private final String source;
    private final MeterRegistry metrics;

    public TransferWriter(Outbox outbox, PlatformConfig config, MeterRegistry metrics) {
        this.outbox = outbox;
        this.source = config.serviceName();
        this.metrics = metrics;
    }

    public record NewTransfer(UUID id, UUID paymentPointId, UUID merchantId, String method, LocalDate businessDay,
                              LocalDate transferDate, Integer runningNumber, String reference, BigDecimal amount,
                              String currency, Instant executedAt) {
    }

    /** {@code entryIds}: the Payment, TransactionFee and Adjustment entries the transfer settles. */
    public Uni<Void> write(Mutiny.Session session, NewTransfer t, List<UUID> entryIds) {
        return write(session, t, entryIds, TraceContexts.current());
    }

    /** The same, announced in the trace of {@code traceParent} (a daily transfer's own span). */
    public Uni<Void> write(Mutiny.Session session, NewTransfer t, List<UUID> entryIds, String traceParent) {
        Uni<Integer> insert = session.createNativeQuery("""
                        insert into transfer (id, payment_point_id, merchant_id, method, business_day, transfer_date,
                                              running_number, reference, amount, currency, executed_at)
                        values (:id, :point, :merchant, :method, cast(cast(:businessDay as text) as date), :transferDate,
                                cast(cast(:rrr as text) as integer), :reference, :amount, :currency, :executedAt)""")
                .setParameter("id", t.id())
                .setParameter("point", t.paymentPointId())
                .setParameter("merchant", t.merchantId())
                .setParameter("method", t.method())
                .setParameter("businessDay", t.businessDay() == null ? null : t.businessDay().toString())
                .setParameter("transferDate", t.transferDate())
                .setParameter("rrr", t.runningNumber() == null ? null : t.runningNumber().toString())
                .setParameter("reference", t.reference())
                .setParameter("amount", t.amount())
                .setParameter("currency", t.currency())
                .setParameter("executedAt", t.executedAt())
                .executeUpdate();
        return insert
                .chain(() -> session.createNativeQuery("""
                                insert into transfer_item (entry_id, transfer_id)
                                select e.id, :transfer from ledger_entry e where e.id in (:ids)""")
                        .setParameter("transfer", t.id())
                        .setParameter("ids", entryIds)
                        .executeUpdate())
                .invoke(linked -> {
                    if (linked != entryIds.size()) {
                        throw new IllegalStateException("transfer " + t.id() + " linked " + linked + " of " + entryIds.size() + " entries");
                    }
                })
                .chain(() -> session.createNativeQuery("delete from pending_entry where entry_id in (:ids)")
                        .setParameter("ids", entryIds)
                        .executeUpdate())
                .invoke(settled -> {
                    if (settled != entryIds.size()) {
                        throw new IllegalStateException("transfer " + t.id() + " settles " + entryIds.size()
                                + " entries of which only " + settled + " were pending");
                    }
                })
                .chain(() -> session.createNativeQuery("""
                                insert into ledger_entry (id, payment_point_id, merchant_id, type, amount, currency, occurred_at,
                                                          business_day, transfer_id)
                                values (:id, :point, :merchant, 'Transfer', :amount, :currency, :at, :day, :transfer)""")
                        .setParameter("id", UUID.randomUUID())
                        .setParameter("point", t.paymentPointId())
                        .setParameter("merchant", t.merchantId())
                        .setParameter("amount", t.amount().negate())
                        .setParameter("currency", t.currency())
                        .setParameter("at", t.executedAt())
                        .setParameter("day", t.transferDate())
                        .setParameter("transfer", t.id())
                        .executeUpdate())
                .chain(() -> {
                    TransferExecuted payload = new TransferExecuted(t.id(), t.paymentPointId(), t.method(), t.reference(),
                            t.amount(), t.currency(), t.businessDay(), t.transferDate(), t.executedAt(), entryIds.size());
                    EventEnvelope event = EventEnvelope.of(TransferExecuted.TYPE, TransferExecuted.SCHEMA_VERSION,
                            t.executedAt(), source, t.merchantId(), EventOrigin.NONE, payload);
                    return outbox.add(session, Topics.REPORT_EVENTS, t.merchantId().toString(), event, traceParent);
                })
                // counted when written; a rolled-back transaction over-counts, which a rate on a dashboard tolerates
                .invoke(() -> metrics.counter("transfers_executed", "method", t.method()).increment());
    }
}
