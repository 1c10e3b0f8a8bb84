package com.invoicepay.report.ledger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledger's invariants, checked in PostgreSQL:
 * <ul>
 * <li>per payment point and currency: payments − fees − transfers (+ adjustments) = the balance not yet transferred;</li>
 * <li>every transfer equals the sum of the entries it settled, and is booked by exactly its Transfer entry;</li>
 * <li>every Paid invoice has exactly one Payment entry, and every Payment entry a Paid invoice;</li>
 * <li>every Payment, TransactionFee and Adjustment entry is either pending (the night run's work list) or settled by a transfer, never both.</li>
 * </ul>
 * The gauge {@code report_ledger_invariant_violations} is the number of violations found by the last check.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // the gauge exists from the start, before the first check
public class Invariants {
    private static final Logger LOG = Logger.getLogger(Invariants.class);

    private final Pool pool;
    private final AtomicLong violations = new AtomicLong();

    public Invariants(Pool pool, MeterRegistry metrics) {
        this.pool = pool;
        Gauge.builder("report_ledger_invariant_violations", violations, AtomicLong::get)
                .description("Violations of the ledger invariants found by the last check").register(metrics);
    }

    public record PointBalance(UUID paymentPointId, UUID merchantId, String currency, BigDecimal payments,
                               BigDecimal fees, BigDecimal transfers, BigDecimal adjustments, BigDecimal balance,
                               BigDecimal untransferred, boolean holds) {
    }

    public record Report(boolean holds, int paymentPointsChecked, List<PointBalance> unbalancedPaymentPoints,
                         long transfersNotMatchingTheirEntries, long paidInvoicesWithoutPayment,
                         long paymentsWithoutPaidInvoice, long invoicesWithMoreThanOnePayment,
                         long entriesBothOrNeitherPendingAndTransferred) {
        long violations() {
            return unbalancedPaymentPoints.size() + transfersNotMatchingTheirEntries + paidInvoicesWithoutPayment
                    + paymentsWithoutPaidInvoice + invoicesWithMoreThanOnePayment + entriesBothOrNeitherPendingAndTransferred;
        }
    }

    @Scheduled(every = "${report.invariant.every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return check().invoke(r -> {
            if (!r.holds()) {
                LOG.errorf("ledger invariants violated: %s", r);
            }
        }).replaceWithVoid();
    }

    /** Runs every check; {@code merchantId} null checks all merchants' payment points. */
    public Uni<Report> check() {
        return pool.query("""
                        select e.payment_point_id, p.merchant_id, e.currency,
                          coalesce(sum(e.amount) filter (where e.type = 'Payment'), 0) as payments,
                          coalesce(sum(e.amount) filter (where e.type = 'TransactionFee'), 0) as fees,
                          coalesce(sum(e.amount) filter (where e.type = 'Transfer'), 0) as transfers,
                          coalesce(sum(e.amount) filter (where e.type = 'Adjustment'), 0) as adjustments,
                          sum(e.amount) as balance,
                          coalesce(sum(e.amount) filter (where e.type <> 'Transfer' and ti.entry_id is null), 0) as untransferred
                        from ledger_entry e join payment_point p on p.id = e.payment_point_id
                        left join transfer_item ti on ti.entry_id = e.id
                        group by e.payment_point_id, p.merchant_id, e.currency""").execute()
                .chain(points -> pool.query("""
                                select
                                 (select count(*) from transfer t
                                   where t.amount <> coalesce((select sum(e.amount) from transfer_item ti
                                                               join ledger_entry e on e.id = ti.entry_id
                                                               where ti.transfer_id = t.id), 0)
                                      or 1 <> (select count(*) from ledger_entry e where e.transfer_id = t.id
                                               and e.type = 'Transfer' and e.amount = -t.amount)) as transfers_off,
                                 (select count(*) from paid_invoice pi where not exists
                                   (select 1 from ledger_entry e where e.type = 'Payment' and e.invoice_id = pi.invoice_id)) as paid_no_payment,
                                 (select count(*) from ledger_entry e where e.type = 'Payment' and not exists
                                   (select 1 from paid_invoice pi where pi.invoice_id = e.invoice_id)) as payment_no_paid,
                                 (select count(*) from (select invoice_id from ledger_entry where type = 'Payment'
                                   group by invoice_id having count(*) > 1) m) as multiple,
                                 (select count(*) from ledger_entry e
                                   left join pending_entry pe on pe.entry_id = e.id
                                   left join transfer_item ti on ti.entry_id = e.id
                                   where e.type <> 'Transfer' and ((pe.entry_id is null) = (ti.entry_id is null))) as worklist_off""").execute()
                        .map(counts -> {
                            List<PointBalance> unbalanced = new ArrayList<>();
                            int checked = 0;
                            for (Row r : points) {
                                checked++;
                                BigDecimal balance = r.getBigDecimal("balance");
                                BigDecimal untransferred = r.getBigDecimal("untransferred");
                                boolean holds = balance.compareTo(untransferred) == 0;
                                if (!holds) {
                                    unbalanced.add(new PointBalance(r.getUUID("payment_point_id"), r.getUUID("merchant_id"),
                                            r.getString("currency"), r.getBigDecimal("payments"), r.getBigDecimal("fees"),
                                            r.getBigDecimal("transfers"), r.getBigDecimal("adjustments"), balance,
                                            untransferred, false));
                                }
                            }
                            Row c = counts.iterator().next();
                            Report partial = new Report(true, checked, unbalanced, c.getLong("transfers_off"),
                                    c.getLong("paid_no_payment"), c.getLong("payment_no_paid"), c.getLong("multiple"),
                                    c.getLong("worklist_off"));
                            Report report = new Report(partial.violations() == 0, checked, unbalanced,
                                    partial.transfersNotMatchingTheirEntries(), partial.paidInvoicesWithoutPayment(),
                                    partial.paymentsWithoutPaidInvoice(), partial.invoicesWithMoreThanOnePayment(),
                                    partial.entriesBothOrNeitherPendingAndTransferred());
                            violations.set(report.violations());
                            return report;
                        }));
    }

    /** The balance of one payment point (all currencies), for the tests and the admin endpoint. */
    public Uni<List<PointBalance>> balances(UUID paymentPointId) {
        return pool.preparedQuery("""
                        select e.currency,
                          coalesce(sum(e.amount) filter (where e.type = 'Payment'), 0) as payments,
                          coalesce(sum(e.amount) filter (where e.type = 'TransactionFee'), 0) as fees,
                          coalesce(sum(e.amount) filter (where e.type = 'Transfer'), 0) as transfers,
                          coalesce(sum(e.amount) filter (where e.type = 'Adjustment'), 0) as adjustments,
                          sum(e.amount) as balance,
                          coalesce(sum(e.amount) filter (where e.type <> 'Transfer' and ti.entry_id is null), 0) as untransferred,
                          min(e.merchant_id::text) as merchant_id
                        from ledger_entry e left join transfer_item ti on ti.entry_id = e.id
                        where e.payment_point_id = $1 group by e.currency""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(paymentPointId))
                .map(rows -> {
                    List<PointBalance> list = new ArrayList<>();
                    for (Row r : rows) {
                        BigDecimal balance = r.getBigDecimal("balance");
                        BigDecimal untransferred = r.getBigDecimal("untransferred");
                        list.add(new PointBalance(paymentPointId, UUID.fromString(r.getString("merchant_id")),
                                r.getString("currency"), r.getBigDecimal("payments"), r.getBigDecimal("fees"),
                                r.getBigDecimal("transfers"), r.getBigDecimal("adjustments"), balance, untransferred,
                                balance.compareTo(untransferred) == 0));
                    }
                    return list;
                });
    }
}
