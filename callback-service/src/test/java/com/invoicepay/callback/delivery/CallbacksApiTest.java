package com.invoicepay.callback.delivery;

import com.invoicepay.callback.Receiver;
import com.invoicepay.callback.TestSupport;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.SendTestCallback;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import com.invoicepay.testsupport.EnvelopeCompanion;
import com.invoicepay.testsupport.Keycloak;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merchant's and the operator's callback APIs through the real gateway, the test callback (REST
 * and callback-commands), callback-events on the broker, a claim left by a crashed replica, metrics.
 */
@QuarkusTest
class CallbacksApiTest {
    static final String M1 = MERCHANT_1.merchantId().toString();
    static final String M2 = MERCHANT_2.merchantId().toString();
    static String token1, token2;
    static KafkaCompanion kafka;
    static ConsumerTask<String, EventEnvelope> callbackEvents;

    @ConfigProperty(name = "invoicepay.topic-prefix", defaultValue = "")
    String prefix;
    @Inject
    Deliveries deliveries;
    @Inject
    DeliveryJob job;
    @Inject
    com.invoicepay.callback.registration.Endpoints endpoints;
    @Inject
    Pool pool;

    Receiver receiver;

    @BeforeAll
    static void setUp() {
        token1 = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        token2 = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_2, "openid invoice");
        kafka = EnvelopeCompanion.tolerant();
        callbackEvents = kafka.consume(String.class, EventEnvelope.class).fromTopics("test-" + Topics.CALLBACK_EVENTS);
    }

    @AfterAll
    static void tearDown() {
        callbackEvents.stop();
        kafka.close();
    }

    @BeforeEach
    void receiver() throws Exception {
        receiver = new Receiver();
        merchant(token1).body(Map.of("ApiKey", "m1-key", "CallbackUrl", receiver.url()))
                .when().put("/api/v1/merchants/" + M1 + "/auth/apikey").then().statusCode(204);
    }

    @AfterEach
    void close() {
        TestSupport.moveClock(Duration.ZERO);
        receiver.close();
    }

    static RequestSpecification merchant(String token) {
        return given().auth().oauth2(token).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret()).contentType(ContentType.JSON);
    }

    /**
     * Requests of test callbacks only: merchant-1 also receives the callbacks of whatever other
     * services' tests publish on test-invoice-events for it.
     */
    List<Receiver.Request> testCallbacks() {
        var ids = new java.util.HashSet<String>();
        pool.preparedQuery("select id from callback_batch where test and merchant_id = $1")
                .execute(Tuple.of(MERCHANT_1.merchantId())).await().atMost(Duration.ofSeconds(5))
                .forEach(r -> ids.add(r.getUUID("id").toString()));
        return receiver.requests.stream().filter(r -> ids.contains(r.header("webhook-id"))).toList();
    }

    Receiver.Request requestOf(String batchId) {
        return receiver.requests.stream().filter(r -> batchId.equals(r.header("webhook-id"))).findFirst().orElseThrow();
    }

    boolean announced(String type, java.util.function.Predicate<EventEnvelope> which) {
        return callbackEvents.getRecords().stream().map(r -> r.value())
                .anyMatch(e -> e != null && type.equals(e.type()) && which.test(e));
    }

    @Test
    void aTestCallbackIs200WhenTheEndpointAnswers2xxAnd409OtherwiseAndBothAreListed() {
        String delivered = merchant(token1).body(Map.of("status", "Paid"))
                .when().post("/api/v1/merchants/" + M1 + "/callbacks/test")
                .then().statusCode(200).body("delivered", equalTo(true)).body("statusCode", equalTo(200))
                .extract().path("batchId");
        assertEquals("m1-key", requestOf(delivered).header("Authorization"));
        assertTrue(TestSupport.verifies(endpoints.secrets(MERCHANT_1.merchantId()).get(0).secret(), requestOf(delivered)));

        receiver.otherwise(500);
        merchant(token1).body(Map.of("status", "Rejected")).when().post("/api/v1/merchants/" + M1 + "/callbacks/test")
                .then().statusCode(409).body("error_code", equalTo("12013")).body("error", equalTo("DomainError"));
        merchant(token1).body(Map.of("status", "Sold")).when().post("/api/v1/merchants/" + M1 + "/callbacks/test")
                .then().statusCode(400);

        merchant(token1).when().get("/api/v1/merchants/" + M1 + "/callbacks/batches")
                .then().statusCode(200).body("batches.batchId", hasItem(delivered));
        merchant(token1).when().get("/api/v1/merchants/" + M1 + "/callbacks/batches/" + delivered)
                .then().statusCode(200).body("state", equalTo("Delivered")).body("test", equalTo(true))
                .body("attemptLog", hasSize(1)).body("attemptLog[0].statusCode", equalTo(200))
                .body("attemptLog[0].url", equalTo(receiver.url()));
        // another merchant cannot see it, not even under its own path
        merchant(token2).when().get("/api/v1/merchants/" + M2 + "/callbacks/batches/" + delivered)
                .then().statusCode(404).body("error_code", equalTo("12010"));
        merchant(token2).when().get("/api/v1/merchants/" + M1 + "/callbacks/batches/" + delivered)
                .then().statusCode(403);
        await().atMost(Duration.ofSeconds(20)).until(() -> announced("TestCallbackDelivered",
                e -> delivered.equals(e.payload().path("batchId").asText())));
        await().atMost(Duration.ofSeconds(20)).until(() -> announced("TestCallbackFailed",
                e -> M1.equals(String.valueOf(e.merchantId())) && "Rejected".equals(e.payload().path("requestedStatus").asText())));
    }

    @Test
    void onlyADeadLetteredBatchCanBeRedeliveredAndUnknownBatchesAre404() {
        String test = merchant(token1).body(Map.of()).when().post("/api/v1/merchants/" + M1 + "/callbacks/test")
                .then().statusCode(200).extract().path("batchId");
        merchant(token1).when().post("/api/v1/merchants/" + M1 + "/callbacks/batches/" + UUID.randomUUID() + "/redeliver")
                .then().statusCode(404).body("error_code", equalTo("12010"));
        merchant(token1).when().get("/api/v1/merchants/" + M1 + "/callbacks/batches/" + UUID.randomUUID())
                .then().statusCode(404).body("error_code", equalTo("12010"));
        // a test callback is not a batch of the merchant's queue
        merchant(token1).when().post("/api/v1/merchants/" + M1 + "/callbacks/batches/" + test + "/redeliver")
                .then().statusCode(404);
    }

    @Test
    void aReplayNeedsAValidRangeAndAnswers202WithTheNumberOfItemsQueued() {
        merchant(token1).body(Map.of("from", "2026-01-02T00:00:00Z", "to", "2026-01-01T00:00:00Z"))
                .when().post("/api/v1/merchants/" + M1 + "/callbacks/replay")
                .then().statusCode(400).body("error_code", equalTo("12015"));
        merchant(token1).body(Map.of("from", "2026-01-01T00:00:00Z"))
                .when().post("/api/v1/merchants/" + M1 + "/callbacks/replay")
                .then().statusCode(400).body("error_code", equalTo("12015"));
        merchant(token1).body(Map.of("from", "2026-01-01T00:00:00Z", "to", "2026-03-01T00:00:00Z"))
                .when().post("/api/v1/merchants/" + M1 + "/callbacks/replay")
                .then().statusCode(400).body("error_code", equalTo("12015"));
        merchant(token1).body(Map.of("from", "2020-01-01T00:00:00Z", "to", "2020-01-02T00:00:00Z"))
                .when().post("/api/v1/merchants/" + M1 + "/callbacks/replay")
                .then().statusCode(202).body("items", equalTo(0));
        given().auth().oauth2(TestSupport.adminToken()).contentType(ContentType.JSON)
                .body(Map.of("merchantId", M1, "from", "2020-01-01T00:00:00Z", "to", "2020-01-02T00:00:00Z"))
                .when().post("/api/v1/admin/callbacks/replay").then().statusCode(202).body("items", equalTo(0));
    }

    @Test
    void operatorsSeeEveryMerchantsBatchesAndMerchantsCannotUseTheAdminApi() {
        String test = merchant(token1).body(Map.of()).when().post("/api/v1/merchants/" + M1 + "/callbacks/test")
                .then().statusCode(200).extract().path("batchId");
        given().auth().oauth2(TestSupport.adminToken()).when().get("/api/v1/admin/callbacks/batches?merchantId=" + M1)
                .then().statusCode(200).body("batches.batchId", hasItem(test));
        given().auth().oauth2(TestSupport.adminToken()).when().get("/api/v1/admin/callbacks/batches/" + test)
                .then().statusCode(200).body("merchantId", equalTo(M1));
        given().auth().oauth2(token1).when().get("/api/v1/admin/callbacks/batches").then().statusCode(403);
        // filters that do not convert are bad filters (400 90040), not JAX-RS's 404
        given().auth().oauth2(TestSupport.adminToken()).when().get("/api/v1/admin/callbacks/batches?merchantId=not-a-uuid")
                .then().statusCode(400).body("error_code", equalTo("90040")).body("error_description", equalTo("merchantId must be a UUID."));
        given().auth().oauth2(TestSupport.adminToken()).when().get("/api/v1/admin/callbacks/batches?limit=abc")
                .then().statusCode(400).body("error_code", equalTo("90040")).body("error_description", equalTo("limit must be an integer."));
        given().auth().oauth2(TestSupport.adminToken()).when().post("/sandbox/callback-jobs/run")
                .then().statusCode(200).body("delivered", greaterThanOrEqualTo(0));
        given().auth().oauth2(token1).when().post("/sandbox/callback-jobs/run").then().statusCode(403);
    }

    @Test
    void aCallbackCommandSendsATestCallbackOnceAndReportsItOnCallbackEvents() {
        EventEnvelope command = EventEnvelope.of(SendTestCallback.TYPE, SendTestCallback.SCHEMA_VERSION, Instant.now(), "certification-service",
                MERCHANT_1.merchantId(), EventOrigin.NONE, new SendTestCallback("Rejected"));
        ProducerRecord<String, EventEnvelope> record = new ProducerRecord<>(prefix + Topics.CALLBACK_COMMANDS, M1, command);
        kafka.produce(String.class, EventEnvelope.class).fromRecords(record).awaitCompletion(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> testCallbacks().size() == 1);
        assertTrue(testCallbacks().get(0).body().contains("\"status\":\"Rejected\""));
        await().atMost(Duration.ofSeconds(20)).until(() -> announced("TestCallbackDelivered",
                e -> command.eventId().toString().equals(e.payload().path("commandId").asText())));

        // the same command again, then a marker: once the marker is handled the duplicate was skipped
        EventEnvelope marker = EventEnvelope.of(SendTestCallback.TYPE, SendTestCallback.SCHEMA_VERSION, Instant.now(), "certification-service",
                MERCHANT_1.merchantId(), EventOrigin.NONE, new SendTestCallback("Paid"));
        kafka.produce(String.class, EventEnvelope.class).fromRecords(record,
                new ProducerRecord<>(prefix + Topics.CALLBACK_COMMANDS, M1, marker)).awaitCompletion(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> testCallbacks().size() >= 2);
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(2, testCallbacks().size(), "the repeated command sent nothing");
        assertTrue(testCallbacks().get(1).body().contains("\"status\":\"Paid\""));
    }

    @Test
    void aClaimLeftByACrashedReplicaIsTakenAgainAfterItsLeaseWithTheSameWebhookId() throws Exception {
        receiver.close();
        receiver = new Receiver(); // its own: merchant-1's endpoint is the other one
        UUID merchant = UUID.randomUUID();
        pool.preparedQuery("""
                        insert into pending_item (event_id, merchant_id, invoice_id, status, status_date, sequence, received_at)
                        values ($1, $2, $3, 'Created', now(), 0, now())""")
                .execute(Tuple.of(UUID.randomUUID(), merchant, UUID.randomUUID())).await().atMost(Duration.ofSeconds(5));
        pool.preparedQuery("insert into merchant_delivery (merchant_id) values ($1)").execute(Tuple.of(merchant))
                .await().atMost(Duration.ofSeconds(5));
        endpoints.registerApiKey(merchant, "k", receiver.url());
        // a replica claims the batch and dies before sending (or while sending)
        List<Deliveries.Claim> claims = job.exclusive(() -> deliveries.claim()).stream()
                .filter(c -> c.merchantId().equals(merchant)).toList();
        assertEquals(1, claims.size());
        job.runNow();
        assertEquals(0, receiver.requests.size(), "the lease keeps other replicas off");
        TestSupport.moveClock(Duration.ofSeconds(45)); // delivery timeout (2 s in tests) + 30 s margin
        job.runNow();
        assertEquals(1, receiver.requests.size());
        assertEquals(claims.get(0).batchId().toString(), receiver.requests.get(0).header("webhook-id"));
    }

    @Test
    void metricsNameTheCallbackMeters() {
        merchant(token1).body(Map.of()).when().post("/api/v1/merchants/" + M1 + "/callbacks/test").then().statusCode(200);
        job.runNow();
        given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .body(containsString("callback_pending_items"))
                .body(containsString("callback_delivery_latency"))
                .body(containsString("callback_test_callbacks_total"));
    }
}
