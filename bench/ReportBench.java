import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.InvoiceStatusChanged;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.util.*;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * report-service benchmark (issue #5), run by bench/run against a bench instance of the service (its own
 * port, its own database report_service_bench cleaned at its start, topics prefixed {@code report-bench-},
 * its own consumer group). Prints, in one run:
 * <ul>
 *   <li>InvoicePaid events booked into the ledger per second (published on Kafka as fast as the producer
 *       goes, half to Instant payment points, which also transfer at once, half to Daily ones);</li>
 *   <li>for each statement size: the time to reconcile a generated statement (5 % amount mismatches, 5 %
 *       transfers missing from it, 1 % malformed lines) against its transfers, upload to Completed, next to
 *       the baseline of the same work in plain SQL in the same run (psql: COPY, the join, the insert of the
 *       results), and the service's peak resident memory during the run.</li>
 * </ul>
 * Arguments: {@code prepare <topic-prefix> <consumer-group>} before the instance starts (topics exist, the
 * group starts at their end), then {@code run <base-url> <service-pid> <events> <lines>...}.
 */
public class ReportBench {
    static final String BOOTSTRAP = "127.0.0.1:9092";
    static final String DB = "jdbc:postgresql://127.0.0.1:5432/report_service_bench";
    static final UUID MERCHANT = UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"); // merchant-1 of the realm
    static final ObjectMapper JSON = EventJson.MAPPER;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        if (args[0].equals("prepare")) {
            prepare(args[1], args[2]);
            return;
        }
        String base = args[1];
        long pid = Long.parseLong(args[2]);
        int events = Integer.parseInt(args[3]);
        String prefix = "report-bench-";

        double[] ingest = ingest(prefix, events);
        BenchSupport table = new BenchSupport();
        table.row("InvoicePaid events booked into the ledger /s (" + events + " events, half Instant)",
                BenchSupport.fmt(ingest[0]) + " /s", "", "", "", null);
        Map<Integer, Long> peaks = new LinkedHashMap<>();
        for (int i = 4; i < args.length; i++) {
            int lines = Integer.parseInt(args[i]);
            Path statement = generate(lines);
            long sizeMb = Files.size(statement) / (1024 * 1024);
            long[] service = reconcile(base, pid, statement, lines);
            long baseline = baseline(statement);
            Files.delete(statement);
            peaks.put(lines, service[1]);
            table.row(String.format("reconcile %,d lines (%d MB), upload to Completed", lines, sizeMb),
                    String.format("%.1f s", service[0] / 1000.0), String.format("psql %.1f s", baseline / 1000.0),
                    BenchSupport.ratio(service[0], baseline), "<= 2x", service[0] <= 2 * baseline);
            table.row(String.format("  peak resident memory during the %,d-line run", lines), service[1] / 1024 + " MB",
                    "", "", "< 400 MB", service[1] < 400 * 1024);
        }
        if (peaks.size() >= 2) {
            long first = peaks.values().iterator().next();
            long last = new ArrayList<>(peaks.values()).get(peaks.size() - 1);
            table.row("  peak memory, largest statement vs smallest", "", "", BenchSupport.ratio(last, first),
                    "<= 1.15", last <= first * 1.15);
        }
        table.print("report-service benchmark");
    }

    // ---- before the instance starts -------------------------------------------------------------------

    /** The bench topics exist and the bench group starts at their end, so leftovers of an earlier run are ignored. */
    static void prepare(String prefix, String group) throws Exception {
        BenchSupport.prepareTopics(BOOTSTRAP, List.of(prefix + "invoice-events", prefix + "report-events"),
                List.of(prefix + "invoice-events"), group);
    }

    // ---- ingestion -----------------------------------------------------------------------------------

    /** Publishes the events as fast as the producer goes; the rate is events / (last booked − first sent). */
    static double[] ingest(String prefix, int events) throws Exception {
        List<InvoiceStatusChanged.Issuer> issuers = new ArrayList<>();
        List<UUID> points = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            points.add(UUID.randomUUID());
            issuers.add(new InvoiceStatusChanged.Issuer("Bench point " + i, "DK", i % 2 == 0 ? "Instant" : "Daily"));
        }
        long before = count("select count(*) from ledger_entry where type = 'Payment'");
        long start = System.nanoTime();
        try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(Map.of("bootstrap.servers", BOOTSTRAP,
                "acks", "all", "linger.ms", 5), new StringSerializer(), new EnvelopeSerializer())) {
            for (int i = 0; i < events; i++) {
                UUID invoice = UUID.randomUUID();
                Instant at = Instant.now();
                InvoiceStatusChanged paid = new InvoiceStatusChanged(invoice, points.get(i % 20), "Paid", at, 3, "Direct",
                        new BigDecimal(100 + i % 900 + ".50"), "DKK", "BENCH-" + i, "REF-" + i, LocalDate.now(),
                        "tx-" + invoice.toString().substring(0, 18), null, null, null, null, issuers.get(i % 20));
                EventEnvelope envelope = new EventEnvelope(UUID.randomUUID(), "InvoicePaid", 1, at, "invoice-service",
                        MERCHANT, "bench-" + invoice, null, null, null, JSON.valueToTree(paid));
                producer.send(new ProducerRecord<>(prefix + "invoice-events", MERCHANT.toString(), envelope));
            }
            producer.flush();
        }
        long sent = System.nanoTime();
        long deadline = System.currentTimeMillis() + 600_000;
        long booked;
        while ((booked = count("select count(*) from ledger_entry where type = 'Payment'") - before) < events) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("only " + booked + " of " + events + " events booked after 10 minutes");
            }
            Thread.sleep(50);
        }
        long end = System.nanoTime();
        System.out.printf("ingestion: %d events published in %.0f ms, all booked after %.0f ms%n", events,
                (sent - start) / 1e6, (end - start) / 1e6);
        return new double[]{events / ((end - start) / 1e9)};
    }

    // ---- reconciliation ------------------------------------------------------------------------------

    /**
     * The merchant's transfers for this size (earlier sizes' deleted first) and its statement: line i shows
     * transfer i, 5 % of them with another amount; every 100th line is malformed; 5 % more transfers of
     * the same period are missing from the statement.
     */
    static Path generate(int lines) throws Exception {
        int malformed = lines / 100;
        int shown = lines - malformed;
        int missing = lines / 20;
        LocalDate start = LocalDate.of(2025, 1, 1);
        try (Connection db = db()) {
            db.createStatement().execute("delete from transfer where reference like 'RB-%'");
            UUID point = UUID.randomUUID();
            try (PreparedStatement p = db.prepareStatement("""
                    insert into payment_point (id, merchant_id, name, country, transfer_method, currency, updated_at)
                    values (?, ?, 'Bench statements', 'DK', 'Instant', 'DKK', now())""")) {
                p.setObject(1, point);
                p.setObject(2, MERCHANT);
                p.executeUpdate();
            }
            try (PreparedStatement t = db.prepareStatement("""
                    insert into transfer (id, payment_point_id, merchant_id, method, transfer_date, reference, amount, currency, executed_at)
                    select gen_random_uuid(), ?, ?, 'Instant', ?::date + (i % 365), 'RB-' || i, 10.50 + (i % 5000), 'DKK', now()
                    from generate_series(0, ? - 1) i""")) {
                t.setObject(1, point);
                t.setObject(2, MERCHANT);
                t.setObject(3, start);
                t.setInt(4, shown + missing);
                t.executeUpdate();
            }
            db.createStatement().execute("analyze transfer");
        }
        Path file = Files.createTempFile("bench-statement-", ".csv");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("booking_date,amount,currency,reference,text\n");
            int transfer = 0;
            for (int line = 0; line < lines; line++) {
                if (line % 100 == 99) {
                    out.write("2025-03-01,12.345,DKK,RB-x,three decimals\n");
                    continue;
                }
                int i = transfer++;
                BigDecimal amount = new BigDecimal("10.50").add(BigDecimal.valueOf(i % 5000));
                if (i % 20 == 7) {
                    amount = amount.add(BigDecimal.ONE);
                }
                out.write(start.plusDays(i % 365 + i % 2) + "," + amount.toPlainString() + ",DKK,RB-" + i
                        + ",\"MobilePay transfer, invoice batch " + i + "\"\n");
            }
        }
        return file;
    }

    /** Upload to Completed in ms, and the service's peak resident memory (kB) during the run. */
    static long[] reconcile(String base, long pid, Path statement, int lines) throws Exception {
        if (!BenchSupport.resetPeak(pid)) {
            System.out.println("cannot reset VmHWM: the peak is sampled every 20 ms only");
        }
        AtomicLong peak = new AtomicLong(BenchSupport.rssKb(pid)[0]);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    peak.accumulateAndGet(BenchSupport.rssKb(pid)[0], Math::max);
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        token(); // the client's token comes from Keycloak before the clock starts: it is not the run's time
        long start = System.nanoTime();
        HttpResponse<String> started = HTTP.send(api(base + "/api/v1/reconciliations")
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofFile(statement)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new IllegalStateException("upload answered " + started.statusCode() + ": " + started.body());
        }
        String run = JSON.readTree(started.body()).get("id").asText();
        JsonNode summary;
        while (true) {
            summary = JSON.readTree(HTTP.send(api(base + "/api/v1/reconciliations/" + run).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (!"Running".equals(summary.path("status").asText())) {
                break;
            }
            Thread.sleep(100);
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        sampler.interrupt();
        sampler.join();
        long servicePeak = Math.max(peak.get(), BenchSupport.rssKb(pid)[1]);
        if (!"Completed".equals(summary.path("status").asText())) {
            throw new IllegalStateException("the run did not complete: " + summary);
        }
        System.out.printf("reconciliation of %,d lines: %.1f s; lines %d, malformed %d, matched %d, amount mismatch %d, "
                        + "unmatched lines %d, missing from statement %d; peak RSS %d MB%n", lines, elapsed / 1000.0,
                summary.path("lines").asInt(), summary.path("malformed").asInt(), summary.path("matched").asInt(),
                summary.path("amountMismatch").asInt(), summary.path("unmatchedStatementLines").asInt(),
                summary.path("missingFromStatement").asInt(), servicePeak / 1024);
        int expectedMalformed = lines / 100;
        int shown = lines - expectedMalformed;
        int expectedMismatch = (int) java.util.stream.IntStream.range(0, shown).filter(i -> i % 20 == 7).count();
        if (summary.path("malformed").asInt() != expectedMalformed || summary.path("amountMismatch").asInt() != expectedMismatch
                || summary.path("matched").asInt() != shown - expectedMismatch
                || summary.path("missingFromStatement").asInt() != lines / 20) {
            throw new IllegalStateException("the run's counts are not the generated statement's: " + summary);
        }
        return new long[]{elapsed, servicePeak};
    }

    /**
     * The same work in plain SQL through psql, in ms: COPY the file's lines, split and check them (the
     * malformed ones aside), join to the transfers by reference, insert the results, one transaction.
     */
    static long baseline(Path statement) throws Exception {
        String line = "'^\\d{4}-\\d{2}-\\d{2},-?\\d{1,12}(\\.\\d{1,2})?,[A-Z]{3},[^,]*,'";
        String script = """
                \\set ON_ERROR_STOP 1
                begin;
                create temp table b_raw (n bigint generated always as identity, line text) on commit drop;
                \\copy b_raw (line) from '%3$s' with (format csv, delimiter E'\\x01', quote E'\\x02')
                create temp table b_line on commit drop as
                  select n, split_part(line, ',', 1)::date booking_date, split_part(line, ',', 2)::numeric(14, 2) amount,
                         split_part(line, ',', 3) currency, split_part(line, ',', 4) reference
                  from b_raw where n > 1 and line ~ %4$s;
                create temp table b_error on commit drop as
                  select n from b_raw r where n > 1 and not exists (select 1 from b_line l where l.n = r.n);
                analyze b_line;
                -- the results go where the service writes them: a copy of reconciliation_result with its indexes
                create table b_result (like reconciliation_result including all);
                insert into b_result (run_id, outcome, matched_by, line_number, transfer_id, statement_amount, transfer_amount, reference)
                  select '%1$s', case when l.amount = t.amount then 'Matched' else 'AmountMismatch' end, 'reference', l.n, t.id,
                         l.amount, t.amount, l.reference
                  from b_line l join transfer t on t.reference = l.reference and t.merchant_id = '%2$s';
                insert into b_result (run_id, outcome, line_number, statement_amount, reference)
                  select '%1$s', 'UnmatchedStatementLine', l.n, l.amount, l.reference
                  from b_line l where not exists (select 1 from transfer t where t.reference = l.reference and t.merchant_id = '%2$s');
                insert into b_result (run_id, outcome, transfer_id, transfer_amount, reference)
                  select '%1$s', 'MissingFromStatement', t.id, t.amount, t.reference
                  from transfer t where t.merchant_id = '%2$s'
                    and t.transfer_date between (select min(booking_date) from b_line) and (select max(booking_date) from b_line)
                    and not exists (select 1 from b_line l where l.reference = t.reference);
                select outcome, count(*) from b_result group by outcome order by outcome;
                drop table b_result;
                commit;
                """.formatted(UUID.randomUUID(), MERCHANT, statement, line);
        Path file = Files.createTempFile("bench-baseline-", ".sql");
        Files.writeString(file, script);
        long start = System.nanoTime();
        Process psql = new ProcessBuilder("psql", "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-U", "report_service",
                "-d", "report_service_bench", "-f", file.toString()).redirectErrorStream(true).start();
        String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!psql.waitFor(30, TimeUnit.MINUTES) || psql.exitValue() != 0) {
            throw new IllegalStateException("psql baseline failed: " + out);
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        Files.delete(file);
        System.out.printf("baseline (psql): %.1f s; %s%n", elapsed / 1000.0, out.strip().replace('\n', ' '));
        return elapsed;
    }

    // ---- helpers -------------------------------------------------------------------------------------

    static HttpRequest.Builder api(String url) throws Exception {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token())
                .header("x-ibm-client-id", "integrator-app").header("x-ibm-client-secret", "integrator-app-secret");
    }

    static String token;
    static long tokenAt;

    /** merchant-1's token with the reporting scope; tokens live 5 minutes, so one is used for at most 4. */
    static String token() throws Exception {
        if (token != null && System.currentTimeMillis() - tokenAt < 240_000) {
            return token;
        }
        tokenAt = System.currentTimeMillis();
        token = BenchSupport.token("integrator-app", "merchant-1", "merchant-1-password", "openid transactionreporting");
        return token;
    }

    static Connection db() throws Exception {
        return DriverManager.getConnection(DB, "report_service", "report_service");
    }

    static long count(String sql) throws Exception {
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
