package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;

import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka broker stopped for a minute while invoices are being created, then started again. The broker
 * (PrivateKafka) and the database (PrivatePostgres) are this test's own; invoice-service runs from the
 * stack's build on port 8087 against them. Every invoice answered 2xx, before, during and after the outage,
 * has its InvoiceCreated event on the broker afterwards (counted once per eventId; duplicates are counted and printed).
 */
class KafkaOutageTest {
    static final int KAFKA_PORT = 19092;
    static final int PG_PORT = 25434; // below the ephemeral range (32768-60999): no client socket can hold it
    static final int PORT = 8087;
    static final String BASE = "http://127.0.0.1:" + PORT;
    static final long OUTAGE_SECONDS = 60;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    PrivateKafka kafka;
    PrivatePostgres postgres;
    Process instance;

    @AfterEach
    void stop() throws Exception {
        ServiceInstance.stop(instance);
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    void everyAcceptedInvoiceIsAnnouncedAfterTheBrokerIsBack() throws Exception {
        kafka = PrivateKafka.create(KAFKA_PORT);
        postgres = PrivatePostgres.create(PG_PORT);
        postgres.createDatabase("invoice_service", "invoice_service", "invoice_service");
        instance = ServiceInstance.start("invoice-service (private Kafka)", OutboxCrashTest.APP, PORT, List.of(
                "-Dkafka.bootstrap.servers=" + kafka.bootstrap(),
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:" + PG_PORT + "/invoice_service",
                "-Dquarkus.datasource.jdbc.url=" + postgres.jdbcUrl("invoice_service"),
                "-Dinvoice.jobs.interval=1h"), new File("target/kafka-outage.log"));

        // the daily limit is 10 invoices per payer and merchant: enough payers for the whole load
        String admin = Keycloak.userToken(LocalStack.INTEGRATOR_APP, LocalStack.OPS_ADMIN, "openid");
        List<String> payers = new ArrayList<>();
        String prefix = "+451" + String.format("%05d", (long) (Math.random() * 100_000));
        for (int i = 0; i < 80; i++) {
            String phone = prefix + String.format("%02d", i);
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/admin/sandbox-consumers"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("phoneNumber", phone, "name", "Kafka Outage Payer",
                            "cards", List.of(Map.of("alwaysFails", false)))))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            payers.add(phone);
        }

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Map<Integer, Integer> answers = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> outageLatencies = new ConcurrentLinkedQueue<>();
        AtomicBoolean outage = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(2);
        for (int t = 0; t < 2; t++) {
            load.submit(() -> {
                while (running.get()) {
                    int n = sent.getAndIncrement();
                    if (n >= payers.size() * 10) {
                        break;
                    }
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> response = create(payers.get(n % payers.size()));
                        answers.merge(response.statusCode(), 1, Integer::sum);
                        if (response.statusCode() / 100 == 2) {
                            accepted.add(JSON.readTree(response.body()).path("invoiceId").asText());
                        }
                    } catch (Exception noAnswer) {
                        answers.merge(-1, 1, Integer::sum);
                    }
                    if (outage.get()) {
                        outageLatencies.add(System.nanoTime() - start);
                    }
                    Thread.sleep(200); // ~10 creates a second from two clients
                }
                return null;
            });
        }

        Thread.sleep(10_000);
        kafka.stop();
        outage.set(true);
        Thread.sleep(TimeUnit.SECONDS.toMillis(OUTAGE_SECONDS));
        outage.set(false);
        kafka.start();
        Thread.sleep(10_000);
        running.set(false);
        load.shutdown();
        assertTrue(load.awaitTermination(60, TimeUnit.SECONDS), "the load stopped");

        Map<String, Integer> deliveries = new HashMap<>();
        Set<String> announced = new HashSet<>();
        try (KafkaConsumer<String, String> events = consumer(kafka.bootstrap())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!announced.containsAll(accepted) && System.nanoTime() < deadline) {
                collect(events, accepted, announced, deliveries);
            }
            for (int i = 0; i < 10; i++) { // a little longer, to count the copies the relay publishes again
                collect(events, accepted, announced, deliveries);
            }
        }
        int duplicates = deliveries.values().stream().mapToInt(n -> n - 1).sum();
        long slowest = outageLatencies.stream().mapToLong(Long::longValue).max().orElse(0);
        Set<String> missing = new HashSet<>(accepted);
        missing.removeAll(announced);
        System.out.printf("kafka outage (%d s): %d requests sent, answers %s, %d accepted (2xx), %d answered during the outage "
                        + "(slowest %d ms), %d announced afterwards, %d missing, %d duplicates%n", OUTAGE_SECONDS, answers.values().stream().mapToInt(Integer::intValue).sum(),
                new TreeMap<>(answers), accepted.size(), outageLatencies.size(), slowest / 1_000_000, announced.size(), missing.size(), duplicates);
        assertTrue(accepted.size() > 50, "the load got invoices accepted: " + accepted.size());
        assertTrue(missing.isEmpty(), "every invoice answered 2xx has its InvoiceCreated event; missing: " + missing);
    }

    static void collect(KafkaConsumer<String, String> events, Set<String> accepted, Set<String> announced, Map<String, Integer> deliveries) {
        for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(500))) {
            Matcher invoice = OutboxCrashTest.INVOICE_ID.matcher(record.value());
            Matcher event = OutboxCrashTest.EVENT_ID.matcher(record.value());
            if (record.value().contains("InvoiceCreated") && invoice.find() && event.find() && accepted.contains(invoice.group(1))) {
                announced.add(invoice.group(1));
                deliveries.merge(event.group(1), 1, Integer::sum);
            }
        }
    }

    static HttpResponse<String> create(String phone) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(BASE + "/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(OutboxCrashTest.invoice(phone))));
        return HTTP.send(Tokens.gateway(request, MERCHANT_1, "openid invoice").build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Everything on invoice-events of the private broker, from the beginning: the test is its only producer. */
    static KafkaConsumer<String, String> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor("invoice-events").stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
