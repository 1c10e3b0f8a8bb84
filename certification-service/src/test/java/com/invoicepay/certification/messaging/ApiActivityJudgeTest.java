package com.invoicepay.certification.messaging;

import com.invoicepay.common.events.ApiCall;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Step 3, first cases: verdicts from api-activity records on the real broker (topic test-api-activity). */
@QuarkusTest
class ApiActivityJudgeTest {
    static final String RUNS = "/api/v1/certification/runs";
    static final UUID MERCHANT = LocalStack.MERCHANT_1.merchantId();
    static final String CREATE = "/api/v1/merchants/{merchantId}/invoices";
    static String token;
    static KafkaCompanion kafka;

    @ConfigProperty(name = "invoicepay.topic-prefix", defaultValue = "")
    String prefix;

    @BeforeAll
    static void setUp() {
        token = Keycloak.token(Map.of("grant_type", "client_credentials", "client_id", "integrator-app",
                "client_secret", "integrator-app-secret")).get("access_token").asText();
        kafka = new KafkaCompanion("127.0.0.1:9092");
        kafka.registerSerde(EventEnvelope.class, Serdes.serdeFrom(new EnvelopeSerializer(), new com.invoicepay.common.events.EnvelopeDeserializer()));
    }

    @AfterAll
    static void tearDown() {
        kafka.close();
    }

    /** A selected run of its own client system name, so no other test's traffic reaches it. */
    static JsonPath selectedRun(String systemName, List<String> features) {
        Map<String, Object> body = new HashMap<>(Map.of("integratorId", "integrator-1", "sandboxClientId", "integrator-app",
                "productionClientId", "integrator-app-prod", "clientSystemName", systemName, "clientVersion", "3.1.4",
                "accessToken", token));
        String id = given().contentType(ContentType.JSON).body(body).post(RUNS).then().statusCode(201).extract().path("id");
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("features", features))
                .put(RUNS + "/" + id + "/features").then().statusCode(200).extract().jsonPath();
    }

    EventEnvelope call(String systemName, String version, String method, String route, int status, Map<String, String> values) {
        return EventEnvelope.of(ApiCall.TYPE, ApiCall.SCHEMA_VERSION, Instant.now(), "invoice-service", MERCHANT,
                new EventOrigin("cid-" + UUID.randomUUID(), "integrator-app", systemName, version),
                new ApiCall(method, route, status, "sid-1", Instant.now(), UUID.randomUUID(), values, 7));
    }

    void send(EventEnvelope... events) {
        for (EventEnvelope e : events) {
            kafka.produce(String.class, EventEnvelope.class)
                    .fromRecords(new ProducerRecord<>(prefix + "api-activity", e.clientId(), e)).awaitCompletion(Duration.ofSeconds(10));
        }
    }

    static JsonPath run(String id) {
        return given().auth().oauth2(token).get(RUNS + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    static String caseStatus(String id, String caseId) {
        return run(id).getString("cases.find { it.id == '" + caseId + "' }.status");
    }

    /** The create's values the run instructs. */
    static Map<String, String> instructed(JsonPath run) {
        return Map.of("totalAmount", run.getString("values.amount"), "paymentReference", run.getString("values.paymentReference"),
                "invoiceNumber", run.getString("values.invoiceNumber"));
    }

    static String unique() {
        return "Judge " + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void theInstructedInvoiceDirectPassesWithTheRecordAsEvidence() {
        String name = unique();
        JsonPath run = selectedRun(name, List.of("InvoiceDirect"));
        String id = run.getString("id");
        EventEnvelope good = call(name, "3.1.4", "POST", CREATE, 200, instructed(run));
        send(good, good); // delivered twice: judged once
        await().atMost(Duration.ofSeconds(20)).until(() -> "PASSED".equals(caseStatus(id, "invoicedirect-create")));
        JsonPath after = run(id);
        String c = "cases.find { it.id == 'invoicedirect-create' }";
        assertEquals(1, after.getList(c + ".evidence").size());
        assertEquals(good.eventId().toString(), after.getString(c + ".evidence[0].eventId"));
        assertEquals(good.correlationId(), after.getString(c + ".evidence[0].correlationId"));
        assertEquals("MATCHED", after.getString(c + ".evidence[0].outcome"));
        assertEquals("PENDING", after.getString("cases.find { it.id == 'invoicedirect-batch' }.status"));
    }

    /**
     * The judge parses only records whose client headers (EnvelopeSerializer) name a version a run judges: one whose
     * headers name another version is dropped unread, though its body names the run's; one without headers (a producer
     * before them) is parsed and judged.
     */
    @Test
    void theClientHeadersDecideWhichRecordsAreReadAndARecordWithoutThemIsStillJudged() {
        String name = unique();
        JsonPath run = selectedRun(name, List.of("InvoiceDirect"));
        String id = run.getString("id");
        Map<String, String> instructed = instructed(run);
        EventEnvelope misfiled = call(name, "3.1.4", "POST", CREATE, 200, instructed);
        EventEnvelope withoutHeaders = call(name, "3.1.4", "POST", CREATE, 200, instructed);
        RecordHeaders otherVersion = new RecordHeaders();
        otherVersion.add(EnvelopeSerializer.CLIENT_ID, "integrator-app".getBytes(StandardCharsets.UTF_8));
        otherVersion.add(EnvelopeSerializer.CLIENT_SYSTEM_NAME, name.getBytes(StandardCharsets.UTF_8));
        otherVersion.add(EnvelopeSerializer.CLIENT_VERSION, "9.9.9".getBytes(StandardCharsets.UTF_8));
        EnvelopeSerializer bodyOnly = new EnvelopeSerializer(); // the two-argument form writes no headers
        String topic = prefix + "api-activity";
        kafka.produce(String.class, byte[].class).fromRecords(
                new ProducerRecord<>(topic, null, "integrator-app", bodyOnly.serialize(topic, misfiled), otherVersion),
                new ProducerRecord<>(topic, null, "integrator-app", bodyOnly.serialize(topic, withoutHeaders), new RecordHeaders()))
                .awaitCompletion(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(20)).until(() -> "PASSED".equals(caseStatus(id, "invoicedirect-create")));
        String c = "cases.find { it.id == 'invoicedirect-create' }";
        List<String> evidence = run(id).getList(c + ".evidence.eventId");
        assertEquals(List.of(withoutHeaders.eventId().toString()), evidence);
    }

    @Test
    void aPassAfterACallAnsweredAnotherStatusIsAWarningInTheRunAndItsReport() {
        String name = unique();
        JsonPath run = selectedRun(name, List.of("InvoiceDirect"));
        String id = run.getString("id");
        Map<String, String> instructed = instructed(run);
        EventEnvelope refused = call(name, "3.1.4", "POST", CREATE, 400, instructed);
        EventEnvelope accepted = call(name, "3.1.4", "POST", CREATE, 200, instructed);
        send(refused, accepted);
        await().atMost(Duration.ofSeconds(20)).until(() -> "WARNING".equals(caseStatus(id, "invoicedirect-create")));
        String c = "cases.find { it.id == 'invoicedirect-create' }";
        JsonPath after = run(id);
        assertTrue(after.getString(c + ".reason").contains("after 1 call(s) answered with another status"), after.getString(c + ".reason"));
        assertEquals(Map.of(refused.eventId().toString(), "OTHER_STATUS", accepted.eventId().toString(), "MATCHED"),
                after.<Map<String, Object>>getList(c + ".evidence").stream()
                        .collect(java.util.stream.Collectors.toMap(e -> e.get("eventId").toString(), e -> e.get("outcome").toString())));
        given().auth().oauth2(token).get(RUNS + "/" + id + "/report").then().statusCode(200)
                .body(c + ".result", org.hamcrest.Matchers.equalTo("WARNING"));
    }

    @Test
    void theRightRouteWithAWrongAmountFailsNamingTheValue() {
        String name = unique();
        JsonPath run = selectedRun(name, List.of("InvoiceDirect"));
        String id = run.getString("id");
        send(call(name, "3.1.4", "POST", CREATE, 200, Map.of("totalAmount", "1.00",
                "paymentReference", run.getString("values.paymentReference"), "invoiceNumber", run.getString("values.invoiceNumber"))));
        await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED".equals(caseStatus(id, "invoicedirect-create")));
        String reason = run(id).getString("cases.find { it.id == 'invoicedirect-create' }.reason");
        // the instructed amount as the assertion carries it (two decimals; JsonPath would read the number 746.40 as 746.4)
        String instructed = run.getString("cases.find { it.id == 'invoicedirect-create' }.assertions[0].values.totalAmount");
        assertTrue(instructed.matches("\\d{3}\\.\\d{2}"), instructed);
        assertTrue(reason.contains("totalAmount was '1.00', instructed '" + instructed + "'"), reason);
        assertEquals("MISMATCHED", run(id).getString("cases.find { it.id == 'invoicedirect-create' }.evidence[0].outcome"));
    }

    @Test
    void anotherVersionsTrafficIsIgnoredAndACaseOfTwoCallsPassesOnlyAfterBoth() {
        String name = unique();
        JsonPath run = selectedRun(name, List.of("InvoiceDirect"));
        String id = run.getString("id");
        // version 3.2.0 with a wrong amount: another run's business, not this one's (same partition, so read first)
        send(call(name, "3.2.0", "POST", CREATE, 200, Map.of("totalAmount", "1.00")),
                call(name, "3.1.4", "GET", "/api/v1/merchants/me", 200, Map.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> run(id).getList(
                "cases.find { it.id == 'onboarding-merchant-read' }.evidence").size() == 1);
        assertEquals("PENDING", caseStatus(id, "onboarding-merchant-read"));
        assertEquals("PENDING", caseStatus(id, "invoicedirect-create"));
        send(call(name, "3.1.4", "GET", "/api/v1/merchants/{merchantId}/invoiceissuers", 200, Map.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> "PASSED".equals(caseStatus(id, "onboarding-merchant-read")));
        assertEquals("PENDING", caseStatus(id, "invoicedirect-create"));
    }
}
