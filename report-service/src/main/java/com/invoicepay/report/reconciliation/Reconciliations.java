package com.invoicepay.report.reconciliation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.outbox.Outbox;
import com.invoicepay.report.config.ReportConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A reconciliation run: the statement's lines are staged in batches, then matched to the merchant's
 * transfers in PostgreSQL (by reference, then by amount within the date window), and the outcome
 * (matched, amount mismatch, unmatched statement line, transfer missing from the statement) is
 * stored with {@code ReconciliationCompleted} in the outbox, all in one transaction.
 */
@ApplicationScoped
public class Reconciliations {
    public static final String COMPLETED = "ReconciliationCompleted";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Reconciliations.class);

    private final Pool pool;
    private final Clock clock;
    private final Outbox outbox;
    private final PlatformConfig platform;
    private final int window;
    private final int batchSize;

    public Reconciliations(Pool pool, Clock clock, Outbox outbox, PlatformConfig platform, ReportConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.outbox = outbox;
        this.platform = platform;
        this.window = config.reconciliation().dateWindowDays();
        this.batchSize = config.reconciliation().batchSize();
    }

    /** Thrown when the body is not a statement at all (no header line). */
    public static class NotAStatement extends RuntimeException {
        public NotAStatement(String message) {
            super(message, null, false, false);
        }
    }

    public record Summary(UUID id, String status, int percent, long linesRead, double linesPerSecond, String failure,
                          Instant createdAt, Instant completedAt, int dateWindowDays, String periodStart,
                          String periodEnd, int lines, int malformed, int matched, int amountMismatch,
                          int unmatchedStatementLines, int missingFromStatement, List<MalformedLine> malformedLines) {
    }

    public record MalformedLine(int lineNumber, String reason) {
    }

    public record Completed(UUID runId, int lines, int malformed, int matched, int amountMismatch,
                            int unmatchedStatementLines, int missingFromStatement) {
    }

    /** Reads the statement line by line, counting lines and characters for the progress. */
    static final class Cursor {
        private final BufferedReader reader;
        int line;
        long chars;

        Cursor(String text) {
            this.reader = new BufferedReader(new StringReader(text));
        }

        String next() {
            try {
                String l = reader.readLine();
                if (l != null) {
                    line++;
                    chars += l.length() + 1;
                }
                return l;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Starts a run: checks that the body is a statement (else {@link NotAStatement}), records the run
     * as Running and returns its id at once; staging, matching and the outcome follow in the background.
     */
    public Uni<UUID> start(UUID merchantId, String statement) {
        String text = statement == null ? "" : statement;
        Cursor cursor = new Cursor(text);
        String header = cursor.next();
        while (header != null && header.isBlank()) {
            header = cursor.next();
        }
        if (header == null || !StatementParser.isHeader(header)) {
            throw new NotAStatement("The body is not a bank statement: the first line must be " + StatementParser.HEADER + ".");
        }
        UUID runId = UUID.randomUUID();
        Instant now = clock.instant();
        return pool.preparedQuery("""
                        insert into reconciliation_run (id, merchant_id, created_at, date_window_days, status, total_chars)
                        values ($1, $2, $3, $4, 'Running', $5)""")
                .execute(Tuple.of(runId, merchantId, now.atOffset(java.time.ZoneOffset.UTC), window, (long) text.length()))
                .invoke(() -> process(runId, merchantId, cursor).subscribe().with(
                        done -> outbox.nudge(),
                        failure -> {
                            LOG.errorf("reconciliation %s failed: %s", runId, failure.toString());
                            pool.preparedQuery("update reconciliation_run set status = 'Failed', failure = $2 where id = $1")
                                    .execute(Tuple.of(runId, String.valueOf(failure.getMessage()).substring(0,
                                            Math.min(500, String.valueOf(failure.getMessage()).length()))))
                                    .subscribe().with(x -> { }, x -> LOG.errorf("cannot mark %s failed", runId));
                        }))
                .replaceWith(runId);
    }

    /** Staging, matching, outcome and ReconciliationCompleted: one transaction. */
    private Uni<Void> process(UUID runId, UUID merchantId, Cursor cursor) {
        return pool.withTransaction(conn -> stage(conn, runId, cursor)
                .chain(() -> match(conn, runId, merchantId))
                .chain(() -> complete(conn, runId, merchantId)));
    }

    /** Stages the next batch of lines (and malformed ones with their line numbers), then the rest. */
    private Uni<Void> stage(SqlConnection conn, UUID runId, Cursor cursor) {
        List<Tuple> good = new ArrayList<>();
        List<Tuple> bad = new ArrayList<>();
        String raw;
        while (good.size() + bad.size() < batchSize && (raw = cursor.next()) != null) {
            int number = cursor.line;
            if (raw.isBlank()) {
                continue;
            }
            try {
                StatementParser.Line l = StatementParser.parse(number, raw);
                good.add(Tuple.from(java.util.Arrays.asList(runId, number, l.bookingDate(), l.amount(), l.currency(),
                        l.reference(), l.text())));
            } catch (IllegalArgumentException e) {
                bad.add(Tuple.of(runId, number, e.getMessage()));
            }
        }
        if (good.isEmpty() && bad.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Uni<?> insertGood = good.isEmpty() ? Uni.createFrom().voidItem() : conn.preparedQuery("""
                insert into statement_line (run_id, line_number, booking_date, amount, currency, reference, text)
                values ($1, $2, $3, $4, $5, $6, $7)""").executeBatch(good);
        return insertGood
                .chain(() -> bad.isEmpty() ? Uni.createFrom().voidItem() : conn.preparedQuery(
                        "insert into statement_error (run_id, line_number, reason) values ($1, $2, $3)").executeBatch(bad))
                // progress outside the run's transaction, so any replica can read it while the run goes on
                .chain(() -> pool.preparedQuery("update reconciliation_run set lines_read = $2, chars_read = $3 where id = $1")
                        .execute(Tuple.of(runId, cursor.line, cursor.chars)))
                .chain(() -> stage(conn, runId, cursor));
    }

    /** The matching, set-based: four statements over the staged lines and the merchant's transfers. */
    private Uni<Void> match(SqlConnection conn, UUID runId, UUID merchantId) {
        Tuple args = Tuple.of(runId, merchantId, window);
        return conn.preparedQuery("""
                        update reconciliation_run r set period_start = p.lo, period_end = p.hi
                        from (select min(booking_date) lo, max(booking_date) hi from statement_line where run_id = $1) p
                        where r.id = $1""").execute(Tuple.of(runId))
                // 1. by reference, paired in date order where a reference repeats
                .chain(() -> conn.preparedQuery("""
                        with p as (select period_start lo, period_end hi from reconciliation_run where id = $1),
                        l as (select s.line_number, s.reference, s.amount, s.currency,
                                     row_number() over (partition by s.reference order by s.booking_date, s.line_number) k
                              from statement_line s where s.run_id = $1 and s.reference is not null),
                        t as (select t.id, t.reference, t.amount, t.currency,
                                     row_number() over (partition by t.reference order by t.transfer_date, t.executed_at, t.id) k
                              from transfer t, p where t.merchant_id = $2
                                and t.transfer_date between p.lo - $3::int and p.hi + $3::int
                                and t.reference in (select reference from l))
                        insert into reconciliation_result (run_id, outcome, matched_by, line_number, transfer_id,
                                                           statement_amount, transfer_amount, reference)
                        select $1, case when l.amount = t.amount and l.currency = t.currency then 'Matched' else 'AmountMismatch' end,
                               'reference', l.line_number, t.id, l.amount, t.amount, l.reference
                        from l join t on t.reference = l.reference and t.k = l.k""").execute(args))
                // 2. the rest by amount and currency within the date window, the nearest date first
                .chain(() -> conn.preparedQuery("""
                        with p as (select period_start lo, period_end hi from reconciliation_run where id = $1),
                        l as (select s.* from statement_line s where s.run_id = $1 and not exists
                               (select 1 from reconciliation_result r where r.run_id = $1 and r.line_number = s.line_number)),
                        t as (select t.* from transfer t, p where t.merchant_id = $2
                                and t.transfer_date between p.lo - $3::int and p.hi + $3::int and not exists
                               (select 1 from reconciliation_result r where r.run_id = $1 and r.transfer_id = t.id)),
                        c as (select l.line_number, l.amount, l.reference, t.id, t.amount as transfer_amount,
                                     abs(l.booking_date - t.transfer_date) d
                              from l join t on t.amount = l.amount and t.currency = l.currency
                               and abs(l.booking_date - t.transfer_date) <= $3::int),
                        best as (select distinct on (line_number) * from c order by line_number, d, id),
                        pair as (select distinct on (id) * from best order by id, d, line_number)
                        insert into reconciliation_result (run_id, outcome, matched_by, line_number, transfer_id,
                                                           statement_amount, transfer_amount, reference)
                        select $1, 'Matched', 'amount-and-date', line_number, id, amount, transfer_amount, reference from pair""")
                        .execute(args))
                // 3. statement lines nothing matched
                .chain(() -> conn.preparedQuery("""
                        insert into reconciliation_result (run_id, outcome, line_number, statement_amount, reference)
                        select $1, 'UnmatchedStatementLine', s.line_number, s.amount, s.reference
                        from statement_line s where s.run_id = $1 and not exists
                          (select 1 from reconciliation_result r where r.run_id = $1 and r.line_number = s.line_number)""")
                        .execute(Tuple.of(runId)))
                // 4. transfers of the statement's period that it does not show
                .chain(() -> conn.preparedQuery("""
                        with p as (select period_start lo, period_end hi from reconciliation_run where id = $1)
                        insert into reconciliation_result (run_id, outcome, transfer_id, transfer_amount, reference)
                        select $1, 'MissingFromStatement', t.id, t.amount, t.reference
                        from transfer t, p where t.merchant_id = $2 and t.transfer_date between p.lo and p.hi
                          and not exists (select 1 from reconciliation_result r where r.run_id = $1 and r.transfer_id = t.id)""")
                        .execute(Tuple.of(runId, merchantId)))
                .replaceWithVoid();
    }

    private Uni<Void> complete(SqlConnection conn, UUID runId, UUID merchantId) {
        Instant now = clock.instant();
        return conn.preparedQuery("""
                        update reconciliation_run r set completed_at = $2, status = 'Completed',
                          lines = (select count(*) from statement_line where run_id = $1),
                          malformed = (select count(*) from statement_error where run_id = $1),
                          matched = (select count(*) from reconciliation_result where run_id = $1 and outcome = 'Matched'),
                          amount_mismatch = (select count(*) from reconciliation_result where run_id = $1 and outcome = 'AmountMismatch'),
                          unmatched_lines = (select count(*) from reconciliation_result where run_id = $1 and outcome = 'UnmatchedStatementLine'),
                          missing_transfers = (select count(*) from reconciliation_result where run_id = $1 and outcome = 'MissingFromStatement')
                        where id = $1
                        returning lines, malformed, matched, amount_mismatch, unmatched_lines, missing_transfers""")
                .execute(Tuple.of(runId, now.atOffset(java.time.ZoneOffset.UTC)))
                .chain(rows -> {
                    Row r = rows.iterator().next();
                    Completed payload = new Completed(runId, r.getInteger("lines"), r.getInteger("malformed"),
                            r.getInteger("matched"), r.getInteger("amount_mismatch"), r.getInteger("unmatched_lines"),
                            r.getInteger("missing_transfers"));
                    EventEnvelope event = EventEnvelope.of(COMPLETED, 1, now, platform.serviceName(), merchantId,
                            EventOrigin.NONE, payload);
                    return outbox.add(conn, Topics.REPORT_EVENTS, merchantId.toString(), event);
                });
    }

    /** The run's summary if it is the merchant's, else null. */
    public Uni<Summary> summary(UUID merchantId, UUID runId) {
        return pool.preparedQuery("select * from reconciliation_run where id = $1 and merchant_id = $2")
                .execute(Tuple.of(runId, merchantId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Row r = rows.iterator().next();
                    return pool.preparedQuery("""
                                    select line_number, reason from statement_error where run_id = $1
                                    order by line_number limit 1000""").execute(Tuple.of(runId))
                            .map(errors -> {
                                List<MalformedLine> malformed = new ArrayList<>();
                                errors.forEach(e -> malformed.add(new MalformedLine(e.getInteger("line_number"), e.getString("reason"))));
                                Instant created = r.getOffsetDateTime("created_at").toInstant();
                                Instant completed = r.getOffsetDateTime("completed_at") == null ? null
                                        : r.getOffsetDateTime("completed_at").toInstant();
                                String status = r.getString("status");
                                long total = r.getLong("total_chars");
                                long read = r.getLong("chars_read");
                                int percent = "Completed".equals(status) ? 100
                                        : total == 0 ? 0 : (int) Math.min(99, read * 100 / total);
                                long linesRead = "Completed".equals(status) ? r.getInteger("lines") + r.getInteger("malformed")
                                        : r.getInteger("lines_read");
                                double seconds = Math.max(0.001, java.time.Duration.between(created,
                                        completed != null ? completed : clock.instant()).toMillis() / 1000.0);
                                return new Summary(runId, status, percent, linesRead, Math.round(linesRead / seconds * 10) / 10.0,
                                        r.getString("failure"), created, completed,
                                        r.getInteger("date_window_days"),
                                        r.getLocalDate("period_start") == null ? null : r.getLocalDate("period_start").toString(),
                                        r.getLocalDate("period_end") == null ? null : r.getLocalDate("period_end").toString(),
                                        r.getInteger("lines"), r.getInteger("malformed"), r.getInteger("matched"),
                                        r.getInteger("amount_mismatch"), r.getInteger("unmatched_lines"),
                                        r.getInteger("missing_transfers"), malformed);
                            });
                });
    }

    public record Invoice(String invoiceNumber, String paymentReference) {
    }

    public record Result(String outcome, String matchedBy, Integer lineNumber, String transferId, String reference,
                         java.math.BigDecimal statementAmount, java.math.BigDecimal transferAmount, List<Invoice> invoices) {
    }

    /** A page of the run's results (the caller checked ownership), in line order, transfers last. */
    public Uni<List<Result>> results(UUID runId, int limit, int offset) {
        return pool.preparedQuery("""
                        select r.outcome, r.matched_by, r.line_number, r.transfer_id, r.reference, r.statement_amount,
                               r.transfer_amount,
                               (select coalesce(json_agg(json_build_object('invoiceNumber', e.invoice_number,
                                         'paymentReference', e.payment_reference) order by e.seq), '[]'::json)::text
                                from transfer_item ti join ledger_entry e on e.id = ti.entry_id and e.type = 'Payment'
                                where r.outcome = 'Matched' and ti.transfer_id = r.transfer_id) as invoices
                        from reconciliation_result r where r.run_id = $1
                        order by r.line_number nulls last, r.seq limit $2 offset $3""")
                .execute(Tuple.of(runId, limit, offset))
                .map(rows -> {
                    List<Result> out = new ArrayList<>();
                    for (Row r : rows) {
                        List<Invoice> invoices;
                        try {
                            invoices = List.of(EventJson.MAPPER.readValue(r.getString("invoices"), Invoice[].class));
                        } catch (JsonProcessingException e) {
                            throw new IllegalStateException(e);
                        }
                        out.add(new Result(r.getString("outcome"), r.getString("matched_by"), r.getInteger("line_number"),
                                r.getUUID("transfer_id") == null ? null : r.getUUID("transfer_id").toString(),
                                r.getString("reference"), r.getBigDecimal("statement_amount"),
                                r.getBigDecimal("transfer_amount"), invoices));
                    }
                    return out;
                });
    }
}
