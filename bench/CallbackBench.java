import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.callback.security.CredentialCipher;
import com.invoicepay.callback.security.WebhookSignature;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
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
import java.time.Instant;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * callback-service benchmark (issue #4), run by bench/run against a bench instance of the service
 * (its own port, its own database callback_service_bench cleaned at its start, topics prefixed
 * {@code callback-bench-}, its own consumer group). One local receiver (this JVM) takes every callback.
 * Prints, in one run:
 * <ul>
 *   <li>the receiver's raw POST rate measured with wrk (the same body shape as a callback batch);</li>
 *   <li>callback items delivered per second from M merchants' pending items (M x N in the database);</li>
 *   <li>the same number of status events end to end: published on Kafka, ingested, batched, delivered;</li>
 *   <li>latency from each event's time (its status date, set when it is published) to its receipt,
 *       p50/p99, at a steady 500 events/s over the M merchants;</li>
 *   <li>resident memory of the service process (now and peak).</li>
 * </ul>
 * Arguments: {@code prepare <topic-prefix> <consumer-group>} before the instance starts (topics exist,
 * the group starts at their end), then {@code run <base-url> <seconds-per-phase> <merchants>
 * <items-per-merchant> <service-pid> <flush-interval-ms>}.
 */
public class CallbackBench {
    static final String DB = "jdbc:postgresql://127.0.0.1:5432/callback_service_bench";
    static final String BOOTSTRAP = "127.0.0.1:9092";
    static final String TOPIC = "callback-bench-invoice-events";
    static final int STEADY_RATE = 500;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    })).build();

    public static void main(String[] args) throws Exception {
        if (args[0].equals("prepare")) {
            prepare(args[1], args[2]);
            return;
        }
        String base = args[1];
        int seconds = Integer.parseInt(args[2]);
        int merchants = Integer.parseInt(args[3]);
        int perMerchant = Integer.parseInt(args[4]);
        long pid = Long.parseLong(args[5]);
        long flushMillis = Long.parseLong(args[6]);
        int total = merchants * perMerchant;

        try (Receiver receiver = new Receiver()) {
            List<UUID> ids = seedEndpoints(merchants, receiver.url());
            System.out.printf("registered %d merchants' endpoints at %s%n", merchants, receiver.url());

            double raw = wrk(receiver, seconds, perMerchant);
            double[] delivery = deliveryFromDatabase(base, receiver, ids, perMerchant);
            double cpu0 = BenchSupport.cpuMillis(pid);
            double[] endToEnd = endToEnd(receiver, ids, perMerchant);
            double cpuPerThousand = (BenchSupport.cpuMillis(pid) - cpu0) / (total / 1000.0);
            double cpu1 = BenchSupport.cpuMillis(pid);
            long[] latency = steady(receiver, ids, seconds, flushMillis);
            double steadyCores = (BenchSupport.cpuMillis(pid) - cpu1) / (seconds * 1000.0);
            long[] rss = BenchSupport.rssKb(pid);

            long budget = flushMillis + 250;
            new BenchSupport()
                    .row("items delivered/s, " + total + " pending items of " + merchants + " merchants",
                            BenchSupport.fmt(delivery[0]) + " /s (" + BenchSupport.fmt(delivery[1]) + " POST/s)",
                            "wrk " + BenchSupport.fmt(raw) + " POST/s of " + perMerchant + " items",
                            BenchSupport.ratio(delivery[1], raw) + " (POST/s)", ">= 5000 /s", delivery[0] >= 5000)
                    .row("items delivered/s, " + total + " status events end to end (Kafka in)", BenchSupport.fmt(endToEnd[0]) + " /s",
                            "", "", "", null)
                    .row("  of which: all " + total + " events ingested after", BenchSupport.fmt(endToEnd[1]) + " ms", "", "", "", null)
                    .row("  service CPU per 1 000 items, end to end", String.format("%.0f ms", cpuPerThousand), "", "", "", null)
                    .row("event time to receipt p50 / p99 at " + STEADY_RATE + " events/s", latency[0] + " / " + latency[1] + " ms",
                            "", "", "p99 < " + budget + " ms", latency[1] < budget)
                    .row("  service CPU at " + STEADY_RATE + " events/s", String.format("%.2f cores", steadyCores), "", "", "", null)
                    .row("  events sent / received / max latency", latency[2] + " / " + latency[3] + " / " + latency[4] + " ms",
                            "", "", "none lost", latency[2] == latency[3])
                    .row("resident memory now / peak", rss[0] / 1024 + " / " + rss[1] / 1024 + " MB", "", "", "< 350 MB",
                            rss[1] < 350 * 1024)
                    .print(String.format("callback-service benchmark (%d merchants x %d items = %d; %d s per phase; flush interval %d ms)",
                            merchants, perMerchant, total, seconds, flushMillis));
        }
    }

    // ---- before the instance starts -------------------------------------------------------------------

    /** The bench topics exist and the bench group starts at their end, so leftovers of a broken run are ignored. */
    static void prepare(String prefix, String group) throws Exception {
        List<String> topics = List.of(prefix + "invoice-events", prefix + "callback-commands");
        BenchSupport.prepareTopics(BOOTSTRAP, topics, topics, group);
    }

    // ---- phases ---------------------------------------------------------------------------------------

    /**
     * Merchants' endpoints written as the service writes them (API key, one signing secret), sealed
     * with the service's own cipher under its sandbox key: the API would need a Keycloak user per merchant.
     */
    static List<UUID> seedEndpoints(int merchants, String url) throws Exception {
        Properties props = new Properties();
        try (InputStream in = CredentialCipher.class.getClassLoader().getResourceAsStream("application.properties")) {
            props.load(in);
        }
        String keyId = props.getProperty("%sandbox.callback.encryption.current-key-id");
        CredentialCipher cipher = new CredentialCipher(keyId, Map.of(keyId, props.getProperty("%sandbox.callback.encryption.keys." + keyId)));
        List<UUID> ids = new ArrayList<>();
        try (Connection db = db();
             PreparedStatement endpoint = db.prepareStatement("""
                     insert into callback_endpoint (merchant_id, auth_type, callback_url, credential_key_id, credential_ciphertext, updated_at)
                     values (?, 'ApiKey', ?, ?, ?, now())""");
             PreparedStatement delivery = db.prepareStatement("insert into merchant_delivery (merchant_id) values (?)");
             PreparedStatement secret = db.prepareStatement("""
                     insert into signing_secret (id, merchant_id, key_id, secret_ciphertext, created_at) values (?, ?, ?, ?, now())""")) {
            db.setAutoCommit(false);
            for (int i = 0; i < merchants; i++) {
                UUID m = UUID.randomUUID();
                ids.add(m);
                CredentialCipher.Sealed credential = cipher.seal("bench-api-key-" + i, "callback-credential:" + m);
                endpoint.setObject(1, m);
                endpoint.setString(2, url);
                endpoint.setString(3, credential.keyId());
                endpoint.setString(4, credential.ciphertext());
                endpoint.addBatch();
                delivery.setObject(1, m);
                delivery.addBatch();
                CredentialCipher.Sealed sealed = cipher.seal(WebhookSignature.newSecret(), "signing-secret:" + m);
                secret.setObject(1, UUID.randomUUID());
                secret.setObject(2, m);
                secret.setString(3, sealed.keyId());
                secret.setString(4, sealed.ciphertext());
                secret.addBatch();
            }
            endpoint.executeBatch();
            delivery.executeBatch();
            secret.executeBatch();
            db.commit();
        }
        return ids;
    }

    /** wrk against the receiver with a body of {@code items} items, as one callback batch: requests/s. */
    static double wrk(Receiver receiver, int seconds, int items) throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < items; i++) {
            body.append(i == 0 ? "" : ",").append(String.format(
                    "{\"invoiceId\":\"%s\",\"status\":\"Created\",\"date\":\"2026-01-01T00:00:00Z\",\"sequence\":0}", UUID.randomUUID()));
        }
        body.append("]");
        Path script = Files.createTempFile("callback-bench", ".lua");
        Files.writeString(script, "wrk.method = \"POST\"\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                + "wrk.headers[\"Authorization\"] = \"bench-api-key\"\n"
                + "wrk.headers[\"webhook-id\"] = \"" + UUID.randomUUID() + "\"\n"
                + "wrk.body = '" + body + "'\n");
        // connections as the service's callback.delivery-concurrency (16), threads as the machine's cores
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c16", "-d" + seconds + "s", "-s", script.toString(), receiver.rawUrl())
                .redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        wrk.waitFor();
        Files.delete(script);
        Matcher rate = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
        if (!rate.find()) {
            throw new IllegalStateException("wrk printed no rate:\n" + out);
        }
        Matcher errors = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
        System.out.printf("wrk, 16 connections, %d s: %s POST/s of %d items (%s non-2xx)%n", seconds, rate.group(1), items,
                errors.find() ? errors.group(1) : "no");
        return Double.parseDouble(rate.group(1));
    }

    /** Every merchant's items pending in the database at once (one commit), then one pass: items/s, requests/s. */
    static double[] deliveryFromDatabase(String base, Receiver receiver, List<UUID> ids, int perMerchant) throws Exception {
        long expected = (long) ids.size() * perMerchant;
        String admin = BenchSupport.token("integrator-app", "ops-admin", "ops-admin-password", "openid");
        try (Connection db = db(); PreparedStatement insert = db.prepareStatement("""
                insert into pending_item (event_id, merchant_id, invoice_id, status, status_date, sequence, received_at)
                select gen_random_uuid(), m, gen_random_uuid(), 'Created', now() - make_interval(secs => g), 0, now()
                from unnest(?::uuid[]) m, generate_series(1, ?) g""")) {
            insert.setArray(1, db.createArrayOf("uuid", ids.toArray()));
            insert.setInt(2, perMerchant);
            insert.executeUpdate();
        }
        long start = System.nanoTime();
        HttpResponse<String> pass = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/sandbox/callback-jobs/run"))
                .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (pass.statusCode() != 200) {
            throw new IllegalStateException("the pass answered " + pass.statusCode() + ": " + pass.body());
        }
        receiver.await(expected, 300);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("delivery: %d items in %d requests in %.2f s = %.0f items/s%n", receiver.items.get(), receiver.requests.get(),
                seconds, receiver.items.get() / seconds);
        double[] rates = {receiver.items.get() / seconds, receiver.requests.get() / seconds};
        receiver.reset();
        return rates;
    }

    /** The same number of status events published on Kafka (merchants interleaved): delivered items/s, ingestion ms. */
    static double[] endToEnd(Receiver receiver, List<UUID> ids, int perMerchant) throws Exception {
        long expected = (long) ids.size() * perMerchant;
        long before = count("select count(*) from pending_item");
        Instant first = Instant.now().minusSeconds(3600);
        // serialized before the clock starts: the figure is the service's, not this client's JSON writing
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        try (EnvelopeSerializer serializer = new EnvelopeSerializer()) {
            for (int n = 0; n < perMerchant; n++) {
                for (UUID m : ids) {
                    ProducerRecord<String, EventEnvelope> r = record(m, first.plusMillis(n));
                    records.add(new ProducerRecord<>(r.topic(), r.key(), serializer.serialize(r.topic(), r.value())));
                }
            }
        }
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> kafka = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", BOOTSTRAP,
                "linger.ms", 5, "batch.size", 262144), new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(kafka::send);
        }
        double published = (System.nanoTime() - start) / 1e6;
        long ingested = 0;
        while (ingested == 0) {
            if (count("select count(*) from pending_item") - before >= expected) {
                ingested = (System.nanoTime() - start) / 1_000_000;
            } else if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
                throw new IllegalStateException("not ingested within 10 minutes");
            } else {
                Thread.sleep(100);
            }
        }
        receiver.await(expected, 600);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("end to end: %d events published in %.0f ms, ingested after %d ms, %d items delivered in %d requests after %.2f s = %.0f items/s%n",
                expected, published, ingested, receiver.items.get(), receiver.requests.get(), seconds, receiver.items.get() / seconds);
        double rate = receiver.items.get() / seconds;
        receiver.reset();
        return new double[]{rate, ingested};
    }

    /** 500 events/s for {@code seconds}, each dated when sent; latency = receipt - date. p50, p99, sent, received, max (ms). */
    static long[] steady(Receiver receiver, List<UUID> ids, int seconds, long flushMillis) throws Exception {
        int events = STEADY_RATE * seconds;
        receiver.latencies.clear();
        receiver.measureLatency = true;
        Random random = new Random(7);
        long start = System.nanoTime(), interval = 1_000_000_000L / STEADY_RATE;
        try (KafkaProducer<String, EventEnvelope> kafka = producer()) {
            for (int i = 0; i < events; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                kafka.send(record(ids.get(random.nextInt(ids.size())), Instant.now()));
            }
        }
        // everything sent is due within a flush interval or two, plus delivery
        receiver.await(events, Math.max(30, 4 * flushMillis / 1000));
        receiver.measureLatency = false;
        long[] sorted = receiver.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long p50 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.50) - 1)];
        long p99 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
        System.out.printf("steady %d events/s for %d s: %d sent, %d received, p50 %d ms, p99 %d ms, max %d ms%n",
                STEADY_RATE, seconds, events, sorted.length, p50, p99, sorted[sorted.length - 1]);
        return new long[]{p50, p99, events, sorted.length, sorted[sorted.length - 1]};
    }

    // ---- the receiver ---------------------------------------------------------------------------------

    /**
     * A merchant's endpoint: reads and parses every body, answers 200 with no body. Callbacks
     * ({@code /callbacks}) are counted; wrk's requests ({@code /raw}) get the same work, uncounted.
     */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final AtomicLong items = new AtomicLong(), requests = new AtomicLong();
        final Queue<Long> latencies = new ConcurrentLinkedQueue<>();
        volatile boolean measureLatency;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.setExecutor(Executors.newFixedThreadPool(16, r -> {
                Thread t = new Thread(r);
                t.setDaemon(true); // the run ends when main does
                return t;
            }));
            server.createContext("/", exchange -> {
                JsonNode body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = JSON.readTree(in);
                }
                long now = System.currentTimeMillis();
                if (measureLatency && exchange.getRequestURI().getPath().equals("/callbacks")) {
                    for (JsonNode item : body) {
                        latencies.add(now - Instant.parse(item.get("date").asText()).toEpochMilli());
                    }
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
                if (exchange.getRequestURI().getPath().equals("/callbacks")) {
                    requests.incrementAndGet();
                    items.addAndGet(body.size());
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/callbacks";
        }

        String rawUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/raw";
        }

        void await(long expected, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (items.get() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + items.get() + " of " + expected + " items within " + seconds + " s");
                }
                Thread.sleep(20);
            }
        }

        void reset() {
            items.set(0);
            requests.set(0);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    static ProducerRecord<String, EventEnvelope> record(UUID merchant, Instant date) {
        InvoiceStatusChanged change = new InvoiceStatusChanged(UUID.randomUUID(), UUID.randomUUID(), "Created", date, 0,
                "Direct", new BigDecimal("100.00"), "DKK", "BENCH-1", "REF-1", null, null, null, null, null, null,
                new InvoiceStatusChanged.Issuer("Shop", "DK", "Instant"));
        return new ProducerRecord<>(TOPIC, merchant.toString(), EventEnvelope.of(InvoiceStatusChanged.typeOf("Created"), 1, date,
                "invoice-service", merchant, new EventOrigin(UUID.randomUUID().toString(), "integrator-app", "Bench", "1.0.0"), change));
    }

    static KafkaProducer<String, EventEnvelope> producer() {
        return new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", BOOTSTRAP, "linger.ms", 2),
                new StringSerializer(), new EnvelopeSerializer());
    }

    static Connection db() throws Exception {
        return DriverManager.getConnection(DB, "callback_service", "callback_service");
    }

    static long count(String sql) throws Exception {
        try (Connection db = db(); var rows = db.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
