package com.invoicepay.report.reconciliation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.outbox.Outbox;
import com.invoicepay.report.config.ReportConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A reconciliation run, set-based in PostgreSQL: the uploaded statement is spooled to a temporary
 * file, parsed line by line and streamed with COPY into the staging table {@code statement_stage}
 * (malformed lines with their reason), then matched to the merchant's transfers by joins (by
 * reference, then by amount within the date window); the outcome (matched, amount mismatch,
 * unmatched statement line, transfer missing from the statement) is stored with
 * {@code ReconciliationCompleted} in the outbox in one transaction. Nothing holds more than a
 * buffer of lines in memory, whatever the statement's size.
 * <p>
 * A running run is leased by the instance that runs it (database time, never the sandbox clock): the
 * instance renews its runs' leases every heartbeat; a run whose lease expired lost its instance, with the
 * temporary file only that instance had, so any replica's sweep fails it with that reason.
 */
@ApplicationScoped
public class Reconciliations {
    public static final String COMPLETED = "ReconciliationCompleted";
    /** Why a swept run failed. Resuming is not possible: the statement's file was on the lost instance. */
    public static final String LOST = "The service instance running this reconciliation stopped before it completed; "
            + "upload the statement again.";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Reconciliations.class);
    /** Bytes of COPY text sent to PostgreSQL at a time. */
    private static final int COPY_CHUNK = 256 * 1024;
    /** How often a running job writes its progress. */
    private static final long PROGRESS_EVERY_MS = 250;

    private final Pool pool;
    private final AgroalDataSource jdbc;
    private final Clock clock;
    private final Outbox outbox;
    private final PlatformConfig platform;
    private final int window;
    private final int leaseSeconds;
    /** This instance's runs, queued or running: their leases are renewed every heartbeat. */
    private final Set<UUID> leased = ConcurrentHashMap.newKeySet();
    /** Runs are bounded: each holds a JDBC connection while it stages; the rest wait as Running at 0 %. */
    private final ExecutorService runs;

    public Reconciliations(Pool pool, AgroalDataSource jdbc, Clock clock, Outbox outbox, PlatformConfig platform,
                           ReportConfig config) {
        this.pool = pool;
        this.jdbc = jdbc;
        this.clock = clock;
        this.outbox = outbox;
        this.platform = platform;
        this.window = config.reconciliation().dateWindowDays();
        this.leaseSeconds = config.reconciliation().leaseSeconds();
        this.runs = Executors.newFixedThreadPool(config.reconciliation().concurrentRuns(), r -> {
            Thread t = new Thread(r, "reconciliation-run");
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        runs.shutdownNow();
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

    /** The statement formats a run reads. */
    public enum Format { CSV, CAMT053 }

    /**
     * Starts a run (blocking; call it on a worker thread): spools the body to a temporary file, checks
     * that it is a statement (else {@link NotAStatement}), records the run as Running and returns its id;
     * staging, matching and the outcome follow on a run thread. The body is camt.053 when it is declared
     * XML ({@code xml}) or starts with {@code <}, else CSV.
     */
    public UUID start(UUID merchantId, InputStream statement, boolean xml) throws IOException {
        Path file = Files.createTempFile("statement-", ".txt");
        try {
            Files.copy(statement, file, StandardCopyOption.REPLACE_EXISTING);
            Format format = xml || startsWithTag(file) ? Format.CAMT053 : Format.CSV;
            boolean statementFile;
            if (format == Format.CAMT053) {
                try (InputStream in = Files.newInputStream(file)) {
                    statementFile = Camt053Reader.isStatement(in);
                }
            } else {
                statementFile = CsvStatementReader.isStatement(file);
            }
            if (!statementFile) {
                throw new NotAStatement(format == Format.CAMT053
                        ? "The body is not a bank statement: a camt.053 document is Document/BkToCstmrStmt."
                        : "The body is not a bank statement: the first line must be " + StatementParser.HEADER + ".");
            }
            UUID runId = UUID.randomUUID();
            pool.preparedQuery("""
                            insert into reconciliation_run (id, merchant_id, created_at, date_window_days, status, total_chars,
                                                            lease_until)
                            values ($1, $2, $3, $4, 'Running', $5, now() + $6::int * interval '1 second')""")
                    .execute(Tuple.of(runId, merchantId, clock.instant().atOffset(ZoneOffset.UTC), window, Files.size(file),
                            leaseSeconds))
                    .await().indefinitely();
            leased.add(runId);
            runs.execute(() -> run(runId, merchantId, file, format));
            return runId;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Whether the file's first character past a byte order mark and white space is {@code <}. */
    static boolean startsWithTag(Path file) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            int b = in.read();
            if (b == 0xEF) { // UTF-8 byte order mark
                in.skip(2);
                b = in.read();
            }
            while (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                b = in.read();
            }
            return b == '<';
        }
    }

    private void run(UUID runId, UUID merchantId, Path file, Format format) {
        try {
            long start = System.nanoTime();
            stage(runId, file, format);
            long staged = System.nanoTime();
            pool.withTransaction(conn -> match(conn, runId, merchantId).chain(() -> complete(conn, runId, merchantId)))
                    .await().indefinitely();
            outbox.nudge();
            LOG.infof("reconciliation %s: staged in %d ms, matched in %d ms", runId, (staged - start) / 1_000_000,
                    (System.nanoTime() - staged) / 1_000_000);
        } catch (Exception failure) {
            LOG.errorf("reconciliation %s failed: %s", runId, failure.toString());
            String reason = String.valueOf(failure.getMessage());
            pool.preparedQuery("update reconciliation_run set status = 'Failed', failure = $2 where id = $1")
                    .execute(Tuple.of(runId, reason.substring(0, Math.min(500, reason.length()))))
                    .subscribe().with(x -> { }, x -> LOG.errorf("cannot mark %s failed", runId));
        } finally {
            leased.remove(runId);
            // the staged lines served their run: the results keep line numbers, amounts and references
            pool.preparedQuery("delete from statement_stage where run_id = $1").execute(Tuple.of(runId))
                    .subscribe().with(x -> { }, x -> LOG.warnf("staged lines of %s not deleted: %s", runId, x));
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warnf("temporary statement %s not deleted: %s", file, e);
            }
        }
    }

    /**
     * Parses the spooled statement and streams every line, well-formed or not (then with its reason),
     * into {@code statement_stage} with one COPY, writing the progress as it goes; the statement's period
     * (first and last booking date of its well-formed lines) is noted on the run as the lines go by.
     */
    private void stage(UUID runId, Path file, Format format) throws IOException, SQLException {
        String run = runId.toString();
        try (Connection c = jdbc.getConnection();
             StatementReader reader = format == Format.CAMT053 ? new Camt053Reader(Files.newInputStream(file))
                     : CsvStatementReader.pastHeader(file)) {
            c.setAutoCommit(false);
            LocalDate first = null;
            LocalDate last = null;
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("""
                    copy statement_stage (run_id, line_number, booking_date, amount, currency, reference, text, error)
                    from stdin""");
            try {
                StringBuilder rows = new StringBuilder(COPY_CHUNK + 1024);
                long lastProgress = System.currentTimeMillis();
                StatementReader.Staged staged;
                while ((staged = reader.next()) != null) {
                    rows.append(run).append('\t').append(staged.number()).append('\t');
                    StatementParser.Line l = staged.line();
                    if (l != null) {
                        first = first == null || l.bookingDate().isBefore(first) ? l.bookingDate() : first;
                        last = last == null || l.bookingDate().isAfter(last) ? l.bookingDate() : last;
                        rows.append(l.bookingDate()).append('\t').append(l.amount().toPlainString()).append('\t')
                                .append(l.currency()).append('\t');
                        copyField(rows, l.reference()).append('\t');
                        copyField(rows, l.text()).append("\t\\N\n");
                    } else {
                        rows.append("\\N\t\\N\t\\N\t\\N\t\\N\t");
                        copyField(rows, staged.error().length() > 300 ? staged.error().substring(0, 300) : staged.error())
                                .append('\n');
                    }
                    if (rows.length() >= COPY_CHUNK) {
                        byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
                        copy.writeToCopy(bytes, 0, bytes.length);
                        rows.setLength(0);
                    }
                    long now = System.currentTimeMillis();
                    if (now - lastProgress >= PROGRESS_EVERY_MS) {
                        lastProgress = now;
                        progress(runId, reader);
                    }
                }
                byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
            try (PreparedStatement period = c.prepareStatement(
                    "update reconciliation_run set period_start = ?, period_end = ? where id = ?")) {
                period.setObject(1, first);
                period.setObject(2, last);
                period.setObject(3, runId);
                period.executeUpdate();
            }
            try (Statement s = c.createStatement()) {
                // fresh statistics, so the planner joins a million staged lines by hash, not by nested loops; a
                // small sample is enough for that and costs a tenth of the default's
                s.execute("set local default_statistics_target = 10");
                s.execute("analyze statement_stage");
            }
            c.commit();
            progress(runId, reader);
        }
    }

    /** Progress outside the run's transactions, so any replica reads it while the run goes on. */
    private void progress(UUID runId, StatementReader reader) {
        pool.preparedQuery("update reconciliation_run set lines_read = $2, chars_read = $3 where id = $1")
                .execute(Tuple.of(runId, reader.position(), reader.charsRead())).await().indefinitely();
    }

    /** A field in COPY's text format: \N for null, backslash escapes for the characters COPY gives meaning. */
    static StringBuilder copyField(StringBuilder out, String value) {
        if (value == null) {
            return out.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out;
    }

    /**
     * The matching, set-based: statements over the staged lines and the merchant's transfers. The run's
     * outcome is gathered in a temporary table first, analyzed after each step, so each step's "not matched
     * yet" is a hash anti join whatever the size (against reconciliation_result, whose statistics do not
     * know the run's rows yet, the planner chose nested loops: minutes for a million lines).
     */
    private Uni<Void> match(SqlConnection conn, UUID runId, UUID merchantId) {
        Tuple args = Tuple.of(runId, merchantId, window);
        // the run's sorts (references paired in order, results in line order) in memory rather than on disk
        // the run_outcome statistics only choose hash joins: a small sample is enough
        return conn.query("set local work_mem = '64MB'").execute()
                .chain(() -> conn.query("set local default_statistics_target = 10").execute())
                .chain(() -> conn.preparedQuery("""
                        insert into statement_error (run_id, line_number, reason)
                        select run_id, line_number, error from statement_stage where run_id = $1 and error is not null""")
                .execute(Tuple.of(runId)))
                .chain(() -> conn.query("""
                        create temporary table run_outcome (outcome varchar(30), matched_by varchar(20), line_number integer,
                          transfer_id uuid, statement_amount numeric(14, 2), transfer_amount numeric(14, 2),
                          reference varchar(200)) on commit drop""").execute())
                // 1. by reference, paired in date order where a reference repeats (byte order, "C", is enough to
                //    group equal references and sorts far faster than the database's collation)
                .chain(() -> conn.preparedQuery("""
                        with p as (select period_start lo, period_end hi from reconciliation_run where id = $1),
                        l as (select s.line_number, s.reference, s.amount, s.currency,
                                     row_number() over (partition by s.reference collate "C" order by s.booking_date, s.line_number) k
                              from statement_stage s where s.run_id = $1 and s.error is null and s.reference is not null),
                        t as (select t.id, t.reference, t.amount, t.currency,
                                     row_number() over (partition by t.reference collate "C" order by t.transfer_date, t.executed_at, t.id) k
                              from transfer t, p where t.merchant_id = $2
                                and t.transfer_date between p.lo - $3::int and p.hi + $3::int)
                        insert into run_outcome
                        select case when l.amount = t.amount and l.currency = t.currency then 'Matched' else 'AmountMismatch' end,
                               'reference', l.line_number, t.id, l.amount, t.amount, l.reference
                        from l join t on t.reference = l.reference and t.k = l.k""").execute(args))
                .chain(() -> conn.query("analyze run_outcome").execute())
                // 2. the rest by amount and currency within the date window, the nearest date first
                .chain(() -> conn.preparedQuery("""
                        with p as (select period_start lo, period_end hi from reconciliation_run where id = $1),
                        l as (select s.* from statement_stage s where s.run_id = $1 and s.error is null and not exists
                               (select 1 from run_outcome o where o.line_number = s.line_number)),
                        t as (select t.* from transfer t, p where t.merchant_id = $2
                                and t.transfer_date between p.lo - $3::int and p.hi + $3::int and not exists
                               (select 1 from run_outcome o where o.transfer_id = t.id)),
                        c as (select l.line_number, l.amount, l.reference, t.id, t.amount as transfer_amount,
                                     abs(l.booking_date - t.transfer_date) d
                              from l join t on t.amount = l.amount and t.currency = l.currency
                               and abs(l.booking_date - t.transfer_date) <= $3::int),
                        best as (select distinct on (line_number) * from c order by line_number, d, id),
                        pair as (select distinct on (id) * from best order by id, d, line_number)
                        insert into run_outcome
                        select 'Matched', 'amount-and-date', line_number, id, amount, transfer_amount, reference from pair""")
                        .execute(args))
                .chain(() -> conn.query("analyze run_outcome").execute())
                // the matches, then 3. statement lines nothing matched and 4. transfers of the statement's period that
                // it does not show, in line order (transfers last) as the results are read. One statement: an insert
                // into run_outcome reading run_outcome would rescan its own new rows for every line
                .chain(() -> conn.preparedQuery("""
                        with p as (select period_start lo, period_end hi from reconciliation_run where id = $1)
                        insert into reconciliation_result (run_id, outcome, matched_by, line_number, transfer_id,
                                                           statement_amount, transfer_amount, reference)
                        select $1, outcome, matched_by, line_number, transfer_id, statement_amount, transfer_amount, reference
                        from (select outcome, matched_by, line_number, transfer_id, statement_amount, transfer_amount, reference
                              from run_outcome
                              union all
                              select 'UnmatchedStatementLine', null, s.line_number, null, s.amount, null, s.reference
                              from statement_stage s where s.run_id = $1 and s.error is null and not exists
                                (select 1 from run_outcome o where o.line_number = s.line_number)
                              union all
                              select 'MissingFromStatement', null, null, t.id, null, t.amount, t.reference
                              from transfer t, p where t.merchant_id = $2 and t.transfer_date between p.lo and p.hi
                                and not exists (select 1 from run_outcome o where o.transfer_id = t.id)) r
                        order by line_number nulls last, transfer_id""").execute(Tuple.of(runId, merchantId)))
                .replaceWithVoid();
    }

    private Uni<Void> complete(SqlConnection conn, UUID runId, UUID merchantId) {
        Instant now = clock.instant();
        return conn.preparedQuery("""
                        with o as (select count(*) filter (where outcome = 'Matched') matched,
                                          count(*) filter (where outcome = 'AmountMismatch') amount_mismatch,
                                          count(*) filter (where outcome = 'UnmatchedStatementLine') unmatched_lines,
                                          count(*) filter (where outcome = 'MissingFromStatement') missing_transfers,
                                          count(*) filter (where line_number is not null) lines
                                   from reconciliation_result where run_id = $1)
                        update reconciliation_run r set completed_at = $2, status = 'Completed', lines = o.lines,
                          malformed = (select count(*) from statement_error where run_id = $1),
                          matched = o.matched, amount_mismatch = o.amount_mismatch, unmatched_lines = o.unmatched_lines,
                          missing_transfers = o.missing_transfers
                        from o where r.id = $1 and r.status = 'Running'
                        returning r.lines, r.malformed, r.matched, r.amount_mismatch, r.unmatched_lines, r.missing_transfers""")
                .execute(Tuple.of(runId, now.atOffset(ZoneOffset.UTC)))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        // a sweep failed the run while this instance was stalled past its lease: its outcome is void
                        throw new IllegalStateException("the run's lease expired before it completed");
                    }
                    Row r = rows.iterator().next();
                    Completed payload = new Completed(runId, r.getInteger("lines"), r.getInteger("malformed"),
                            r.getInteger("matched"), r.getInteger("amount_mismatch"), r.getInteger("unmatched_lines"),
                            r.getInteger("missing_transfers"));
                    EventEnvelope event = EventEnvelope.of(COMPLETED, 1, now, platform.serviceName(), merchantId,
                            EventOrigin.NONE, payload);
                    return outbox.add(conn, Topics.REPORT_EVENTS, merchantId.toString(), event);
                });
    }

    /** Renews the leases of this instance's runs, then fails the runs whose instance is gone (any replica's). */
    @Scheduled(every = "${report.reconciliation.heartbeat-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        // the next heartbeat tries again: a database that is away (or a pool closing at shutdown) is one line, not a stack
        return renewLeases().chain(this::sweep).replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("reconciliation heartbeat skipped: %s", e.toString());
                    return null;
                });
    }

    private Uni<Void> renewLeases() {
        if (leased.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("""
                        update reconciliation_run set lease_until = now() + $2::int * interval '1 second'
                        where id = any($1) and status = 'Running'""")
                .execute(Tuple.tuple().addArrayOfUUID(leased.toArray(UUID[]::new)).addInteger(leaseSeconds))
                .replaceWithVoid();
    }

    /**
     * Fails every run whose lease has expired, with {@link #LOST} as its reason, and drops its staged
     * lines; returns their ids. One update: replicas sweeping at the same time fail each run once.
     */
    public Uni<List<UUID>> sweep() {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                                update reconciliation_run set status = 'Failed', failure = $1
                                where status = 'Running' and lease_until < now() returning id""")
                        .execute(Tuple.of(LOST))
                        .chain(rows -> {
                            List<UUID> lost = new ArrayList<>();
                            rows.forEach(r -> lost.add(r.getUUID("id")));
                            return lost.isEmpty() ? Uni.createFrom().item(lost)
                                    : conn.preparedQuery("delete from statement_stage where run_id = any($1)")
                                    .execute(Tuple.tuple().addArrayOfUUID(lost.toArray(UUID[]::new))).replaceWith(lost);
                        }))
                .invoke(lost -> lost.forEach(id -> LOG.warnf("reconciliation %s failed: its lease expired", id)));
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
