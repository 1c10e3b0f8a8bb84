package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * callback-service killed with {@code kill -9} (by the PID of the instance this test started) while
 * merchant 1's batch is in flight (its endpoint holds the request unanswered), merchant 2's batch is
 * pending after a 500, and new items of both wait unassigned; more events arrive on Kafka while it is
 * down. After a restart every status event reaches its merchant, sorted by date then sequence, and
 * each repeat carries the webhook-id of the attempt it repeats (the in-flight one after its lease,
 * the failed one at its retry time; the clock is moved, not slept).
 *
 * The instance runs from the local stack's build on port 8096 against the callback_service_test
 * database (cleaned at its first start, as the service's tests do) and the test- topics, in its own
 * consumer group set to the topics' end, so neither the stack's callback-service nor older test
 * events touch it.
 */
class CallbackCrashTest {
    static final int PORT = 8096;
    static final String BASE = "http://127.0.0.1:" + PORT;
    /** The stack's build; {@code -Dcallback-service.jar=…} runs a fresh one (e.g. callback-service/target/quarkus-app). */
    static final Path APP = Path.of(System.getProperty("callback-service.jar",
            Path.of("..", "deploy", "local", ".run", "apps", "callback-service", "quarkus-run.jar").toString()));
    static final String GROUP = "callback-service-crash-test";
    static final String DB = "jdbc:postgresql://127.0.0.1:5432/callback_service_test";
    static final String API_KEY = "crash-test-key";
    static final String M1_PATH = "/merchant-1", M2_PATH = "/merchant-2";

    Process instance;
    final List<EventEnvelope> published = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        ServiceInstance.stop(instance);
    }

    @Test
    void killedWithBatchesInFlightAndPendingLosesNothingAndRepeatsCarryTheSameWebhookId() throws Exception {
        UUID m1 = MERCHANT_1.merchantId(), m2 = MERCHANT_2.merchantId();
        String admin = Keycloak.userToken(INTEGRATOR_APP, LocalStack.OPS_ADMIN, "openid");
        try (CallbackReceiver receiver = new CallbackReceiver();
             KafkaProducer<String, EventEnvelope> kafka = producer()) {
            startGroupAtEnd("test-invoice-events", "test-callback-commands");
            instance = start(true, "first");
            merchant(MERCHANT_1).body(Map.of("ApiKey", API_KEY, "CallbackUrl", receiver.url(M1_PATH)))
                    .when().put(BASE + "/api/v1/merchants/" + m1 + "/auth/apikey").then().statusCode(204);
            merchant(MERCHANT_2).body(Map.of("Username", "crash", "Password", "test-pass", "CallbackUrl", receiver.url(M2_PATH)))
                    .when().put(BASE + "/api/v1/merchants/" + m2 + "/auth/basic").then().statusCode(204);

            Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
            // shuffled dates: the service sorts
            publish(kafka, m1, base.plusSeconds(30), base.plusSeconds(10), base.plusSeconds(20));
            publish(kafka, m2, base.plusSeconds(25), base.plusSeconds(5), base.plusSeconds(15));
            awaitTrue("6 items ingested", () -> pendingItems() == 6);

            // one pass: merchant 2 answers 500 (a pending batch with its retry due in 5 s), merchant 1 never answers
            receiver.hold(M1_PATH);
            receiver.answer(M2_PATH, 500);
            CompletableFuture.runAsync(() -> {
                try {
                    admin(admin).post(BASE + "/sandbox/callback-jobs/run");
                } catch (RuntimeException connectionLost) {
                    // the instance is killed while this pass waits for merchant 1
                }
            });
            awaitTrue("merchant 1's batch in flight and merchant 2's failure recorded",
                    () -> receiver.to(M1_PATH).size() == 1 && failedAttempts(m2) == 1);
            String inFlight = receiver.to(M1_PATH).get(0).webhookId();
            String failed = receiver.to(M2_PATH).get(0).webhookId();
            assertEquals(CallbackReceiver.HELD, receiver.to(M1_PATH).get(0).answered());
            assertEquals(3, items(receiver.to(M1_PATH).get(0)).size());
            assertEquals(500, receiver.to(M2_PATH).get(0).answered());

            // new items join while one batch is in flight and the other waits for its retry
            publish(kafka, m1, base.plusSeconds(1), base.plusSeconds(40));
            publish(kafka, m2, base.plusSeconds(2), base.plusSeconds(35));
            awaitTrue("10 items ingested", () -> pendingItems() == 10);
            assertEquals(4, unassignedItems(), "the new items wait unassigned at the kill");

            ServiceInstance.killMinus9(instance);
            // events that arrive while the service is down wait on Kafka
            publish(kafka, m1, base.plusSeconds(3));
            publish(kafka, m2, base.plusSeconds(4));
            receiver.answer(M1_PATH, 200);
            receiver.answer(M2_PATH, 200);

            instance = start(false, "restarted");
            awaitTrue("12 items ingested after the restart", () -> pendingItems() == 12);
            // past merchant 1's lease (delivery timeout + 30 s) and merchant 2's retry time (5 s)
            admin(admin).contentType(ContentType.JSON).body(Map.of("offset", "PT5M"))
                    .when().put(BASE + "/sandbox/clock").then().statusCode(200);
            admin(admin).when().post(BASE + "/sandbox/callback-jobs/run").then().statusCode(200);

            assertRepeated(receiver.to(M1_PATH), inFlight, m1, "merchant 1 (in flight at the kill)");
            assertRepeated(receiver.to(M2_PATH), failed, m2, "merchant 2 (pending after a 500 at the kill)");
            assertEquals(API_KEY, receiver.to(M1_PATH).get(1).authorization());
            assertEquals("Basic " + Base64.getEncoder().encodeToString("crash:test-pass".getBytes()),
                    receiver.to(M2_PATH).get(1).authorization());
            assertEquals(Map.of("Delivered", 2L), batchStates(), "both batches delivered, nothing left pending");
            assertEquals(0, unassignedItems());
        }
    }

    /** The repeat after the restart: same webhook-id, answered 2xx, every item of the merchant, sorted. */
    void assertRepeated(List<CallbackReceiver.Request> requests, String webhookId, UUID merchant, String who) {
        assertEquals(2, requests.size(), who + ": the first attempt and one repeat; " + requests);
        CallbackReceiver.Request repeat = requests.get(1);
        assertEquals(webhookId, repeat.webhookId(), who + ": the repeat carries the same webhook-id");
        assertEquals(200, repeat.answered());
        List<JsonNode> items = items(repeat);
        Set<String> expected = published.stream().filter(e -> e.merchantId().equals(merchant))
                .map(e -> e.payload().get("invoiceId").asText()).collect(Collectors.toSet());
        assertEquals(expected, items.stream().map(i -> i.get("invoiceId").asText()).collect(Collectors.toSet()),
                who + ": every event before, during and after the kill, none lost");
        assertEquals(6, items.size(), who + ": no item twice");
        List<JsonNode> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing((JsonNode i) -> Instant.parse(i.get("date").asText())).thenComparing(i -> i.get("sequence").asLong()));
        assertEquals(sorted, items, who + ": sorted by date then sequence");
        Set<String> first = items(requests.get(0)).stream().map(i -> i.get("invoiceId").asText()).collect(Collectors.toSet());
        assertTrue(items.stream().map(i -> i.get("invoiceId").asText()).collect(Collectors.toSet()).containsAll(first),
                who + ": the repeat carries what the first attempt carried");
    }

    // ---- the instance -----------------------------------------------------------------------------------

    static Process start(boolean cleanDatabase, String name) throws Exception {
        return ServiceInstance.start("callback-service (" + name + ")", APP, PORT, List.of(
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/callback_service_test",
                "-Dquarkus.datasource.jdbc.url=" + DB,
                "-Dquarkus.flyway.clean-disabled=" + !cleanDatabase,
                "-Dquarkus.flyway.clean-at-start=" + cleanDatabase,
                "-Dinvoicepay.topic-prefix=test-",
                "-Dmp.messaging.incoming.invoice-events.group.id=" + GROUP,
                "-Dmp.messaging.incoming.callback-commands.group.id=" + GROUP,
                // the test runs the passes itself; a long timeout keeps merchant 1's request in flight
                "-Dcallback.flush-interval=1h",
                "-Dcallback.delivery-timeout=30s",
                "-Dquarkus.log.console.json.enabled=false"),
                new File("target/callback-crash-" + name + ".log"));
    }

    /** The instance's consumer group starts at the current end of its topics: only this test's events. */
    static void startGroupAtEnd(String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", "127.0.0.1:9092"))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topics)).allTopicNames().get().forEach((topic, description) ->
                    description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(GROUP, ends).all().get();
        }
    }

    // ---- events, API, database --------------------------------------------------------------------------

    void publish(KafkaProducer<String, EventEnvelope> kafka, UUID merchant, Instant... dates) throws Exception {
        for (Instant date : dates) {
            InvoiceStatusChanged change = new InvoiceStatusChanged(UUID.randomUUID(), UUID.randomUUID(), "Created", date, 0,
                    "Direct", new BigDecimal("100.00"), "DKK", "CRASH-1", "REF-1", null, null, null, null, null, null,
                    new InvoiceStatusChanged.Issuer("Shop", "DK", "Instant"));
            EventEnvelope event = EventEnvelope.of(InvoiceStatusChanged.typeOf("Created"), 1, date, "invoice-service", merchant,
                    new EventOrigin(UUID.randomUUID().toString(), INTEGRATOR_APP.clientId(), "CrashTest", "1.0.0"), change);
            kafka.send(new ProducerRecord<>("test-invoice-events", merchant.toString(), event)).get();
            published.add(event);
        }
    }

    static KafkaProducer<String, EventEnvelope> producer() {
        return new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", "127.0.0.1:9092"),
                new StringSerializer(), new EnvelopeSerializer());
    }

    static RequestSpecification merchant(LocalStack.User user) {
        return given().auth().oauth2(Keycloak.userToken(INTEGRATOR_APP, user, "openid invoice"))
                .header("x-ibm-client-id", INTEGRATOR_APP.clientId()).header("x-ibm-client-secret", INTEGRATOR_APP.secret())
                .contentType(ContentType.JSON);
    }

    static RequestSpecification admin(String token) {
        return given().auth().oauth2(token);
    }

    static List<JsonNode> items(CallbackReceiver.Request request) {
        try {
            List<JsonNode> items = new ArrayList<>();
            EventJson.MAPPER.readTree(request.body()).forEach(items::add);
            return items;
        } catch (java.io.IOException e) {
            throw new AssertionError("a callback body is a JSON array: " + request.body(), e);
        }
    }

    static long pendingItems() {
        return count("select count(*) from pending_item");
    }

    static long unassignedItems() {
        return count("select count(*) from pending_item where batch_id is null");
    }

    static long failedAttempts(UUID merchant) {
        return count("select count(*) from delivery_attempt a join callback_batch b on b.id = a.batch_id "
                + "where a.outcome = 'failed' and b.merchant_id = '" + merchant + "'");
    }

    static Map<String, Long> batchStates() {
        try (var db = DriverManager.getConnection(DB, "callback_service", "callback_service");
             var rows = db.createStatement().executeQuery("select state, count(*) from callback_batch group by state")) {
            Map<String, Long> states = new HashMap<>();
            while (rows.next()) {
                states.put(rows.getString(1), rows.getLong(2));
            }
            return states;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    static long count(String sql) {
        try (var db = DriverManager.getConnection(DB, "callback_service", "callback_service");
             var rows = db.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
