import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.common.events.ApiCall;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * certification-service benchmark (issue #6), run by bench/run against a bench instance of the service (its own
 * port, its own database certification_service_bench cleaned at its start, topics prefixed
 * {@code certification-bench-}, its own consumer group). With N selected runs (InvoiceDirect and Cancel), prints:
 * <ul>
 *   <li>api-activity records judged per second, from the commit of the Kafka transaction that put them all on the topic
 *       (the judge reads {@code read_committed}) to the judge's count ({@code certification_judge_records_total})
 *       reaching them all, next to the rate a plain Kafka consumer
 *       reads the same records of the same topic in the same run: once with every record of a run's version (each a
 *       cancel answered 409 of a new invoice: three pieces of evidence written for two cases), once with one record in
 *       ten of a run's version and the rest of versions no run judges (other clients' traffic, dropped);</li>
 *   <li>the delay from a call's time to its case's verdict (p50, p99), one verdict-making call per run, sent at
 *       about 100 per second;</li>
 *   <li>the service's peak resident memory over all of it.</li>
 * </ul>
 * Arguments: {@code prepare <topic-prefix> <consumer-group>} before the instance starts (topics exist, the group
 * starts at their end), then {@code run <base-url> <service-pid> <runs> <records>}.
 */
public class CertificationBench {
    static final String BOOTSTRAP = "127.0.0.1:9092";
    static final String KEYCLOAK = "http://127.0.0.1:8180/realms/payments/protocol/openid-connect/token";
    static final String DB = "jdbc:postgresql://127.0.0.1:5432/certification_service_bench";
    static final String TOPIC = "certification-bench-api-activity";
    static final String CANCEL = "/api/v1/merchants/{merchantId}/invoices/{invoiceId}/cancel";
    static final UUID MERCHANT = UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"); // merchant-1 of the realm
    static final ObjectMapper JSON = EventJson.MAPPER;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A selected run: its client system name and run-specific values. */
    record Run(String id, String system, JsonNode values) {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("prepare")) {
            prepare(args[1], args[2]);
        } else {
            run(args[1], Long.parseLong(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        }
    }

    static void run(String base, long pid, int runCount, int records) throws Exception {

        List<Run> runs = selectRuns(base, runCount);
        boolean peakReset = BenchSupport.resetPeak(pid);
        BenchSupport table = new BenchSupport();
        try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(Map.of("bootstrap.servers", BOOTSTRAP,
                "acks", "all", "linger.ms", 5), new StringSerializer(), new EnvelopeSerializer())) {
            // warm-up, not reported: both phases once. The plain consumer runs in this fresh JVM and read the first phase
            // with cold code (a third to a half of its warm rate); the judge, under C1, is compiled within seconds either way
            for (int everyNth : new int[]{1, 10}) {
                judgeRate(base, runs, records * everyNth, everyNth);
            }
            for (int everyNth : new int[]{1, 10}) {
                double[] rates = judgeRate(base, runs, records * everyNth, everyNth);
                String share = everyNth == 1 ? "every record of a run's version" : "1 in " + everyNth + " records of a run's version";
                table.row(String.format("api-activity records judged /s (%d runs, %,d records, %s)", runs.size(), records * everyNth, share),
                        String.format("%,.0f /s", rates[0]), String.format("plain consumer %,.0f /s", rates[1]),
                        BenchSupport.ratio(rates[0], rates[1]), ">= 0.50", rates[0] >= 0.5 * rates[1]);
            }
            List<Long> delays = verdictDelays(producer, runs);
            table.row(String.format("verdict delay p50 (%d verdicts, ~100 calls/s)", delays.size()),
                    delays.get(delays.size() / 2) + " ms", "", "", "", null);
            long p99 = delays.get((int) Math.ceil(delays.size() * 0.99) - 1);
            table.row("verdict delay p99", p99 + " ms", "", "", "< 1000 ms", p99 < 1000);
        }
        long peakMb = BenchSupport.peakKb(pid) / 1024;
        table.row("peak resident memory" + (peakReset ? "" : " (since the instance's start)"), peakMb + " MB", "", "", "< 350 MB", peakMb < 350);
        table.print("certification-service benchmark");
    }

    // ---- before the instance starts -------------------------------------------------------------------

    /** The bench topics exist and the bench group starts at the end of those the service consumes. */
    static void prepare(String prefix, String group) throws Exception {
        List<String> consumed = List.of(prefix + "api-activity", prefix + "invoice-events", prefix + "callback-events");
        List<String> all = new ArrayList<>(consumed);
        all.addAll(List.of(prefix + "callback-commands", prefix + "certification-events"));
        BenchSupport.prepareTopics(BOOTSTRAP, all, consumed, group);
    }

    // ---- runs ------------------------------------------------------------------------------------------

    /** Identified and selected through the API, eight at a time (identification asks Keycloak's admin API). */
    static List<Run> selectRuns(String base, int count) throws Exception {
        String token = token();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Run>> started = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String system = "Bench " + i + " " + UUID.randomUUID().toString().substring(0, 8);
                started.add(pool.submit(() -> select(base, token, system)));
            }
            List<Run> runs = new ArrayList<>();
            for (Future<Run> f : started) {
                runs.add(f.get());
            }
            return runs;
        } finally {
            pool.shutdown();
        }
    }

    static Run select(String base, String token, String system) throws Exception {
        String identification = JSON.writeValueAsString(Map.of("integratorId", "integrator-1", "sandboxClientId", "integrator-app",
                "productionClientId", "integrator-app-prod", "clientSystemName", system, "clientVersion", "1.0.0", "accessToken", token));
        JsonNode run = call(HttpRequest.newBuilder(URI.create(base + "/api/v1/certification/runs"))
                .POST(HttpRequest.BodyPublishers.ofString(identification)), 201);
        JsonNode selected = call(HttpRequest.newBuilder(URI.create(base + "/api/v1/certification/runs/" + run.get("id").asText() + "/features"))
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"features\":[\"InvoiceDirect\",\"Cancel\"]}")), 200);
        return new Run(selected.get("id").asText(), system, selected.get("values"));
    }

    static JsonNode call(HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(request.header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** integrator-app's client-credentials token: the sandbox client whose traffic the runs judge. */
    static String token() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(KEYCLOAK))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=integrator-app&client_secret=integrator-app-secret"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    // ---- judging rate --------------------------------------------------------------------------------

    /**
     * Sends {@code count} records, every {@code everyNth} one a run's cancel answered 409 and the others calls of
     * versions no run judges, in one transaction; answers the judge's rate (records / (all counted − committed)) and a
     * plain consumer's rate over the same records.
     */
    static double[] judgeRate(String base, List<Run> runs, int count, int everyNth)
            throws Exception {
        Map<TopicPartition, Long> start = endOffsets();
        double before = judgeCount(base);
        // one Kafka transaction: the judge (read_committed) sees no record before all are on the topic, so both it and
        // the plain consumer read the same backlog, and the time to produce it counts for neither
        try (KafkaProducer<String, EventEnvelope> batch = new KafkaProducer<>(Map.of("bootstrap.servers", BOOTSTRAP,
                "transactional.id", "certification-bench-" + UUID.randomUUID(), "linger.ms", 5), new StringSerializer(), new EnvelopeSerializer())) {
            batch.initTransactions();
            batch.beginTransaction();
            for (int i = 0; i < count; i++) {
                EventEnvelope record = i % everyNth == 0
                        ? call(runs.get(i / everyNth % runs.size()).system(), "1.0.0", "integrator-app", "PUT", CANCEL, 409, UUID.randomUUID(), Map.of())
                        : call("Other ERP", "2.0." + i % 7, "other-app-" + i % 50, "GET", "/api/v1/merchants/me", 200, null, Map.of());
                batch.send(new ProducerRecord<>(TOPIC, record.clientId(), record));
            }
            batch.commitTransaction();
        }
        long t0 = System.nanoTime();
        long deadline = System.currentTimeMillis() + 900_000;
        double counted;
        while ((counted = judgeCount(base) - before) < count) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the judge did not count " + count + " records within 15 minutes");
            }
            // each look scrapes all the service's metrics (~130 KB), 12-16% of its CPU at one every 20-50 ms (JFR):
            // seldom while most is left, every 20 ms near the end, so the time is still taken to about 20 ms
            Thread.sleep(counted < 0.9 * count ? 200 : 20);
        }
        double judged = count / ((System.nanoTime() - t0) / 1e9);
        return new double[]{judged, plainConsumerRate(start, count)};
    }

    /** Every record the judge has counted (judged, duplicate or ignored), from the service's metrics. */
    static double judgeCount(String base) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("certification_judge_records_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static EventEnvelope call(String system, String version, String clientId, String method, String route, int status,
                              UUID invoiceId, Map<String, String> values) {
        Instant now = Instant.now();
        return new EventEnvelope(UUID.randomUUID(), ApiCall.TYPE, ApiCall.SCHEMA_VERSION, now, "invoice-service", MERCHANT,
                "bench-" + UUID.randomUUID(), clientId, system, version,
                JSON.valueToTree(new ApiCall(method, route, status, "sid-bench", now, invoiceId, values, 5)));
    }

    static Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<byte[], byte[]> c = plainConsumer()) {
            return c.endOffsets(c.partitionsFor(TOPIC).stream().map(p -> new TopicPartition(TOPIC, p.partition())).toList());
        }
    }

    /** Reads {@code count} records from {@code start} as fast as a plain consumer can (bytes, no deserialization). */
    static double plainConsumerRate(Map<TopicPartition, Long> start, int count) {
        try (KafkaConsumer<byte[], byte[]> c = plainConsumer()) {
            c.assign(start.keySet());
            start.forEach(c::seek);
            long read = 0;
            long t0 = System.nanoTime();
            while (read < count) {
                read += c.poll(Duration.ofMillis(500)).count();
            }
            return read / ((System.nanoTime() - t0) / 1e9);
        }
    }

    static KafkaConsumer<byte[], byte[]> plainConsumer() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", BOOTSTRAP, "group.id", "certification-bench-plain-" + UUID.randomUUID(),
                "enable.auto.commit", false, "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    // ---- verdict delay -------------------------------------------------------------------------------

    /** Per run, the InvoiceDirect its case asks for, 10 ms apart; each verdict's time minus its call's, sorted. */
    static List<Long> verdictDelays(KafkaProducer<String, EventEnvelope> producer, List<Run> runs) throws Exception {
        for (Run run : runs) {
            EventEnvelope create = call(run.system(), "1.0.0", "integrator-app", "POST", "/api/v1/merchants/{merchantId}/invoices", 200,
                    UUID.randomUUID(), Map.of("totalAmount", run.values().get("amount").asText(),
                            "paymentReference", run.values().get("paymentReference").asText(),
                            "invoiceNumber", run.values().get("invoiceNumber").asText()));
            producer.send(new ProducerRecord<>(TOPIC, create.clientId(), create));
            producer.flush();
            Thread.sleep(10);
        }
        long deadline = System.currentTimeMillis() + 120_000;
        List<Long> delays;
        while ((delays = delays(runs)).size() < runs.size()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(delays.size() + " of " + runs.size() + " verdicts within 2 minutes");
            }
            Thread.sleep(100);
        }
        Collections.sort(delays);
        return delays;
    }

    static List<Long> delays(List<Run> runs) throws Exception {
        try (Connection db = DriverManager.getConnection(DB, "certification_service", "certification_service");
             PreparedStatement q = db.prepareStatement("""
                     select extract(epoch from (c.judged_at - e.occurred_at)) * 1000 as ms
                     from run_case c join case_evidence e on e.run_id = c.run_id and e.ordinal = c.ordinal and e.outcome = 'MATCHED'
                     where c.case_id = 'invoicedirect-create' and c.status = 'PASSED' and c.run_id = any(?)""")) {
            q.setArray(1, db.createArrayOf("uuid", runs.stream().map(r -> UUID.fromString(r.id())).toArray()));
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(Math.round(rs.getDouble("ms")));
                }
            }
            return out;
        }
    }
}
