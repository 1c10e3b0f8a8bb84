package com.invoicepay.report.ops;

import com.invoicepay.report.config.ReportConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The ops dashboard's figures per UTC day: invoices created, paid, expired and canceled; amounts paid
 * and transferred per currency; callback batch deliveries; the reconciliation match rate. Paid
 * invoices and amounts come from the ledger (Payment entries), transfers from the transfers,
 * the match rate from the reconciliation runs completed that day (matched lines / all lines read,
 * malformed ones included), the rest from ops_daily_count. Today's figures are also the report_ops_* gauges.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // the gauges exist from the start, before the first refresh
public class OpsSummary {
    private final Pool pool;
    private final Clock clock;
    private final AtomicReference<Day> today = new AtomicReference<>();

    public record Day(LocalDate day, long invoicesCreated, long invoicesPaid, long invoicesExpired,
                      long invoicesCanceled, Map<String, BigDecimal> amountPaid, Map<String, BigDecimal> amountTransferred,
                      long callbacksDelivered, long callbacksFailed, long callbacksDeadLettered,
                      Double reconciliationMatchRate) {
    }

    public record Summary(LocalDate from, LocalDate to, List<Day> days) {
    }

    public OpsSummary(Pool pool, Clock clock, MeterRegistry metrics, ReportConfig config) {
        this.pool = pool;
        this.clock = clock;
        today.set(empty(LocalDate.now(clock.withZone(ZoneOffset.UTC))));
        gauge("report_ops_invoices_today", metrics, "status", "created", "Invoices created today (UTC)", Day::invoicesCreated);
        gauge("report_ops_invoices_today", metrics, "status", "paid", "Invoices paid today (UTC)", Day::invoicesPaid);
        gauge("report_ops_invoices_today", metrics, "status", "expired", "Invoices expired today (UTC)", Day::invoicesExpired);
        gauge("report_ops_invoices_today", metrics, "status", "canceled", "Invoices canceled today (UTC)", Day::invoicesCanceled);
        gauge("report_ops_callbacks_today", metrics, "outcome", "delivered", "Callback batches delivered today (UTC)", Day::callbacksDelivered);
        gauge("report_ops_callbacks_today", metrics, "outcome", "failed", "Callback batch attempts failed today (UTC)", Day::callbacksFailed);
        gauge("report_ops_callbacks_today", metrics, "outcome", "dead_lettered", "Callback batches dead-lettered today (UTC)", Day::callbacksDeadLettered);
        for (String currency : config.fees().keySet()) {
            gauge("report_ops_amount_paid_today", metrics, "currency", currency, "Amount paid today (UTC)",
                    d -> d.amountPaid().getOrDefault(currency, BigDecimal.ZERO).doubleValue());
            gauge("report_ops_amount_transferred_today", metrics, "currency", currency, "Amount transferred today (UTC)",
                    d -> d.amountTransferred().getOrDefault(currency, BigDecimal.ZERO).doubleValue());
        }
        Gauge.builder("report_ops_reconciliation_match_rate_today", today,
                        t -> t.get().reconciliationMatchRate() == null ? Double.NaN : t.get().reconciliationMatchRate())
                .description("Matched lines / all lines read (malformed included) of the statements reconciled today (UTC); NaN when none").register(metrics);
    }

    private void gauge(String name, MeterRegistry metrics, String tag, String value, String description, ToDoubleFunction<Day> figure) {
        Gauge.builder(name, today, t -> figure.applyAsDouble(t.get())).tag(tag, value).description(description).register(metrics);
    }

    @Scheduled(every = "${report.ops.refresh-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return lastDays(1).replaceWithVoid();
    }

    /** The figures of the last {@code count} UTC days up to today, oldest first; refreshes the gauges. */
    public Uni<Summary> lastDays(int count) {
        LocalDate to = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate from = to.minusDays(count - 1L);
        Tuple dates = Tuple.of(from, to);
        Tuple times = Tuple.of(from.atStartOfDay().atOffset(ZoneOffset.UTC), to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
        Map<LocalDate, Figures> byDay = new TreeMap<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            byDay.put(d, new Figures());
        }
        return pool.preparedQuery("select day, metric, count from ops_daily_count where day between $1 and $2")
                .execute(dates).invoke(rows -> rows.forEach(r -> at(byDay, r.getLocalDate("day")).counts.put(r.getString("metric"), r.getLong("count"))))
                .chain(() -> pool.preparedQuery("""
                                select (occurred_at at time zone 'UTC')::date as day, currency, count(*) as paid, sum(amount) as amount
                                from ledger_entry where type = 'Payment' and occurred_at >= $1 and occurred_at < $2
                                group by 1, 2""").execute(times))
                .invoke(rows -> rows.forEach(r -> {
                    Figures f = at(byDay, r.getLocalDate("day"));
                    f.paid += r.getLong("paid");
                    f.amountPaid.put(r.getString("currency"), amount(r));
                }))
                .chain(() -> pool.preparedQuery("""
                                select (executed_at at time zone 'UTC')::date as day, currency, sum(amount) as amount
                                from transfer where executed_at >= $1 and executed_at < $2 group by 1, 2""").execute(times))
                .invoke(rows -> rows.forEach(r -> at(byDay, r.getLocalDate("day")).amountTransferred.put(r.getString("currency"), amount(r))))
                .chain(() -> pool.preparedQuery("""
                                select (completed_at at time zone 'UTC')::date as day, sum(matched) as matched, sum(lines + malformed) as lines
                                from reconciliation_run where completed_at >= $1 and completed_at < $2 group by 1""").execute(times))
                .invoke(rows -> rows.forEach(r -> {
                    Figures f = at(byDay, r.getLocalDate("day"));
                    f.matched = r.getLong("matched");
                    f.lines = r.getLong("lines");
                }))
                .map(ignored -> {
                    List<Day> days = new ArrayList<>();
                    byDay.forEach((day, f) -> days.add(f.toDay(day)));
                    today.set(days.get(days.size() - 1));
                    return new Summary(from, to, days);
                });
    }

    private static Figures at(Map<LocalDate, Figures> byDay, LocalDate day) {
        // a row outside the range (the sandbox clock moved between the queries) is collected and dropped
        return byDay.getOrDefault(day, new Figures());
    }

    private static BigDecimal amount(Row r) {
        return r.getBigDecimal("amount").setScale(2);
    }

    private static Day empty(LocalDate day) {
        return new Figures().toDay(day);
    }

    /** One day's figures while they are collected from the queries. */
    private static final class Figures {
        final Map<String, Long> counts = new TreeMap<>();
        final Map<String, BigDecimal> amountPaid = new TreeMap<>();
        final Map<String, BigDecimal> amountTransferred = new TreeMap<>();
        long paid;
        long matched;
        long lines;

        Day toDay(LocalDate day) {
            return new Day(day, counts.getOrDefault(OpsCounts.INVOICES_CREATED, 0L), paid,
                    counts.getOrDefault(OpsCounts.INVOICES_EXPIRED, 0L), counts.getOrDefault(OpsCounts.INVOICES_CANCELED, 0L),
                    Map.copyOf(amountPaid), Map.copyOf(amountTransferred),
                    counts.getOrDefault(OpsCounts.CALLBACKS_DELIVERED, 0L), counts.getOrDefault(OpsCounts.CALLBACKS_FAILED, 0L),
                    counts.getOrDefault(OpsCounts.CALLBACKS_DEAD_LETTERED, 0L),
                    lines == 0 ? null : (double) matched / lines);
        }
    }
}
