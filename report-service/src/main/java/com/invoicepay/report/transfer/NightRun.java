package com.invoicepay.report.transfer;

import com.invoicepay.common.tracing.TraceContexts;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import com.invoicepay.report.config.ReportConfig;
import com.invoicepay.report.ledger.Ledger;
import com.invoicepay.report.ledger.LedgerLocks;
import com.invoicepay.report.transfer.TransferWriter.NewTransfer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Daily transfers: every business day X that has ended in its payment point's zone (DST included,
 * PostgreSQL's zone rules) and still has untransferred entries gets one transfer per payment point
 * and currency, dated the day the run executes (X+1 normally, later after a missed night), under
 * the 20-digit reference with that night's running number.
 * <p>
 * It reads only the work list {@code pending_entry}, never the whole ledger history.
 * <p>
 * Safe on two replicas and when run twice: each batch holds an exclusive advisory lock for its
 * transaction, an entry is linked to at most one transfer (primary key of transfer_item) and leaves
 * the work list when it is (a transfer fails if any of its entries was not pending), and a
 * payment point has at most one Daily transfer per business day and currency (unique index).
 * Every tick handles everything overdue, so nights missed during downtime are caught up.
 */
@ApplicationScoped
public class NightRun {
    private static final Logger LOG = Logger.getLogger(NightRun.class);

    private final TransferWriter writer;
    private final Clock clock;
    private final int batchSize;
    private final Tracer tracer;

    public NightRun(TransferWriter writer, Clock clock, ReportConfig config, Tracer tracer) {
        this.writer = writer;
        this.tracer = tracer;
        this.clock = clock;
        this.batchSize = config.nightRun().batchSize();
    }

    @Scheduled(every = "${report.night-run.every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return runNow().invoke(n -> {
            if (n > 0) {
                LOG.infof("night run: %d daily transfers executed", n);
            }
        }).replaceWithVoid();
    }

    /** Executes every due daily transfer, a batch per transaction; returns how many were executed. */
    public Uni<Integer> runNow() {
        return drain(0);
    }

    private Uni<Integer> drain(int sofar) {
        return Panache.withTransaction(() -> Panache.getSession().chain(this::batch))
                .chain(b -> b.found() < batchSize ? Uni.createFrom().item(sofar + b.executed())
                        : drain(sofar + b.executed()));
    }

    private record Batch(int found, int executed) {
    }

    private record Group(UUID paymentPointId, LocalDate businessDay, String currency, UUID merchantId, String country) {
    }

    private Uni<Batch> batch(Mutiny.Session session) {
        Instant now = clock.instant();
        return LedgerLocks.exclusive(session)
                .chain(() -> session.createNativeQuery("""
                                select cast(e.payment_point_id as text), cast(e.business_day as text), e.currency,
                                       cast(p.merchant_id as text), p.country
                                from pending_entry e join payment_point p on p.id = e.payment_point_id
                                where e.business_day < cast(cast(:now as timestamptz) at time zone
                                        (case p.country when 'FI' then 'Europe/Helsinki' else 'Europe/Copenhagen' end) as date)
                                  and not exists (select 1 from transfer t where t.method = 'Daily'
                                        and t.payment_point_id = e.payment_point_id and t.business_day = e.business_day
                                        and t.currency = e.currency)
                                group by e.payment_point_id, e.business_day, e.currency, p.merchant_id, p.country
                                having sum(e.amount) > 0
                                order by e.business_day, e.payment_point_id, e.currency
                                limit :limit""", Object[].class)
                        .setParameter("now", now)
                        .setParameter("limit", batchSize)
                        .getResultList())
                .chain(rows -> {
                    List<Group> groups = rows.stream().map(r -> new Group(UUID.fromString((String) r[0]),
                            LocalDate.parse((String) r[1]), ((String) r[2]).trim(), UUID.fromString((String) r[3]),
                            ((String) r[4]).trim())).toList();
                    Uni<Integer> done = Uni.createFrom().item(0);
                    for (Group g : groups) {
                        done = done.chain(n -> execute(session, g, now).map(ok -> ok ? n + 1 : n));
                    }
                    return done.map(executed -> new Batch(groups.size(), executed));
                });
    }

    private Uni<Boolean> execute(Mutiny.Session session, Group g, Instant now) {
        LocalDate transferDate = LocalDate.ofInstant(now, Ledger.zoneOf(g.country()));
        return session.createNativeQuery("""
                        select cast(e.entry_id as text), cast(e.amount as text), e.trace_parent from pending_entry e
                        where e.payment_point_id = :point and e.business_day = :day and e.currency = :currency""", Object[].class)
                .setParameter("point", g.paymentPointId())
                .setParameter("day", g.businessDay())
                .setParameter("currency", g.currency())
                .getResultList()
                .chain(entries -> {
                    List<UUID> ids = new ArrayList<>();
                    List<String> itemTraces = new ArrayList<>();
                    BigDecimal amount = BigDecimal.ZERO;
                    for (Object[] e : entries) {
                        ids.add(UUID.fromString((String) e[0]));
                        amount = amount.add(new BigDecimal((String) e[1]));
                        itemTraces.add((String) e[2]);
                    }
                    if (ids.isEmpty() || amount.signum() <= 0) {
                        return Uni.createFrom().item(false);
                    }
                    BigDecimal total = amount;
                    return nextRunningNumber(session, g.merchantId(), transferDate).chain(rrr -> {
                        if (rrr > 999) {
                            LOG.errorf("merchant %s has used all 999 running numbers of %s; payment point %s day %s waits",
                                    g.merchantId(), transferDate, g.paymentPointId(), g.businessDay());
                            return Uni.createFrom().item(false);
                        }
                        NewTransfer t = new NewTransfer(UUID.randomUUID(), g.paymentPointId(), g.merchantId(), "Daily",
                                g.businessDay(), transferDate, rrr, BankReference.daily(rrr, transferDate), total,
                                g.currency(), now);
                        // an aggregate: a trace of its own, linked to the payments it settles
                        SpanBuilder builder = tracer.spanBuilder("daily transfer").setNoParent()
                                .setAttribute("transfer.id", t.id().toString()).setAttribute("transfer.items", ids.size());
                        TraceContexts.links(itemTraces).forEach(builder::addLink);
                        Span span = builder.startSpan();
                        return writer.write(session, t, ids, TraceContexts.of(Context.root().with(span)))
                                .onTermination().invoke(span::end)
                                .replaceWith(true);
                    });
                });
    }

    /** RRR: the merchant's next running number of that night (the run holds the lock, so no two runs race). */
    private static Uni<Integer> nextRunningNumber(Mutiny.Session session, UUID merchantId, LocalDate transferDate) {
        return session.createNativeQuery("""
                        select cast(coalesce(max(running_number), 0) + 1 as text) from transfer
                        where method = 'Daily' and merchant_id = :merchant and transfer_date = :date""", String.class)
                .setParameter("merchant", merchantId)
                .setParameter("date", transferDate)
                .getSingleResult()
                .map(Integer::parseInt);
    }
}
