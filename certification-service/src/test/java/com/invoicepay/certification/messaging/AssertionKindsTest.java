package com.invoicepay.certification.messaging;

import com.invoicepay.certification.fixture.Runs;
import com.invoicepay.common.events.ConsentChanged;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.InvoiceStatusChanged;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.invoicepay.certification.fixture.Runs.MERCHANT;
import static com.invoicepay.certification.fixture.Runs.RUNS;
import static com.invoicepay.certification.fixture.Runs.call;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assertion kinds besides {@code call}, judged from the real broker: forbidden (retry storm),
 * event (invoice-events of the run's invoices), command (test callbacks through callback-commands,
 * outcomes from callback-events), review, refreshed-session.
 */
@QuarkusTest
class AssertionKindsTest {
    static final String CANCEL = "/api/v1/merchants/{merchantId}/invoices/{invoiceId}/cancel";
    static Runs runs;
    static String prefix;

    @BeforeAll
    static void setUp() {
        prefix = ConfigProvider.getConfig().getOptionalValue("invoicepay.topic-prefix", String.class).orElse("");
        runs = new Runs(prefix);
    }

    @AfterAll
    static void tearDown() {
        runs.close();
    }

    static Duration wait = Duration.ofSeconds(20);

    @Test
    void moreThanThreeRepeatsOfACancelAnswered409FailTheCaseWithTheRecordsAsEvidence() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("Cancel")).getString("id");
        UUID invoice = UUID.randomUUID();
        Instant t = Instant.now();
        for (int i = 0; i < 5; i++) {
            runs.send("api-activity", call(name, t.plusMillis(i * 500L), "PUT", CANCEL, 409, invoice, null, null, Map.of()));
        }
        await().atMost(wait).until(() -> "FAILED".equals(runs.caseStatus(id, "cancel-paid-no-retry-storm")));
        String reason = runs.caseReason(id, "cancel-paid-no-retry-storm");
        assertTrue(reason.contains("answered 409 5 times within PT1M for invoice " + invoice), reason);
        List<Map<String, Object>> evidence = runs.evidence(id, "cancel-paid-no-retry-storm");
        assertEquals(1, evidence.stream().filter(e -> "VIOLATED".equals(e.get("outcome"))).count());
        assertEquals(4, evidence.stream().filter(e -> "COUNTED".equals(e.get("outcome"))).count());
        assertTrue(evidence.stream().allMatch(e -> invoice.toString().equals(e.get("invoiceId")) || e.get("invoiceId") == null));
    }

    @Test
    void a409HandledWithoutRetriesPassesOnlyOnceTheWindowHasClosed() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("Cancel")).getString("id");
        runs.send("api-activity", call(name, "PUT", CANCEL, 409, UUID.randomUUID()));
        await().atMost(wait).until(() -> runs.evidence(id, "cancel-paid-no-retry-storm").size() == 2); // MATCHED and COUNTED
        assertEquals("PENDING", runs.caseStatus(id, "cancel-paid-no-retry-storm"), "watching for repeats for 60 s");
        try {
            runs.clock("PT61S");
            await().atMost(wait).until(() -> "PASSED".equals(runs.caseStatus(id, "cancel-paid-no-retry-storm")));
        } finally {
            runs.clock("PT0S");
        }
    }

    @Test
    void anEventOfAnInvoiceTheRunsClientTouchedPassesTheEventAssertionAndOtherInvoicesEventsDoNot() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("Cancel")).getString("id");
        UUID mine = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        runs.send("api-activity", call(name, "POST", "/api/v1/merchants/{merchantId}/invoices", 200, mine),
                call(name, "PUT", CANCEL, 204, mine));
        await().atMost(wait).until(() -> runs.evidence(id, "cancel-unpaid").size() == 1);
        assertEquals("PENDING", runs.caseStatus(id, "cancel-unpaid"), "the call alone is not the case");
        EventEnvelope otherCanceled = Runs.event("InvoiceCanceled", "invoice-service", canceled(other));
        EventEnvelope mineCanceled = Runs.event("InvoiceCanceled", "invoice-service", canceled(mine));
        runs.send("invoice-events", otherCanceled, mineCanceled);
        await().atMost(wait).until(() -> "PASSED".equals(runs.caseStatus(id, "cancel-unpaid")));
        List<Map<String, Object>> evidence = runs.evidence(id, "cancel-unpaid");
        assertTrue(evidence.stream().anyMatch(e -> mineCanceled.eventId().toString().equals(e.get("eventId"))
                && "invoice-events".equals(e.get("source")) && "InvoiceCanceled".equals(e.get("type"))), evidence.toString());
        assertFalse(evidence.stream().anyMatch(e -> otherCanceled.eventId().toString().equals(e.get("eventId"))));
    }

    @Test
    void aConsentGrantedMatchesOnItsPayloadAndAPendingOneDoesNot() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("DirectInvoiceConsent")).getString("id");
        UUID invoice = UUID.randomUUID();
        UUID consent = UUID.randomUUID();
        runs.send("api-activity", call(name, "POST", "/api/v1/directinvoiceconsents", 200, invoice),
                call(name, "GET", "/api/v1/directinvoiceconsents", 200, null));
        await().atMost(wait).until(() -> runs.evidence(id, "consent-requested-granted").size() == 2);
        runs.send("invoice-events", Runs.event(ConsentChanged.TYPE, "invoice-service", new ConsentChanged(consent, invoice, null, 1, Instant.now())));
        runs.send("invoice-events", Runs.event(ConsentChanged.TYPE, "invoice-service", new ConsentChanged(consent, invoice, null, 2, Instant.now())));
        await().atMost(wait).until(() -> "PASSED".equals(runs.caseStatus(id, "consent-requested-granted")));
        assertEquals(1, runs.evidence(id, "consent-requested-granted").stream().filter(e -> "invoice-events".equals(e.get("source"))).count(),
                "only the Granted (state 2) event matched");
    }

    @Test
    void aCallWithARefreshedTokenOfTheSameSessionPassesTheRefreshedSessionCase() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of()).getString("id");
        Instant iat = Instant.now().minusSeconds(400);
        runs.send("api-activity",
                call(name, Instant.now(), "GET", "/api/v1/merchants/me", 200, null, "sid-A", iat, Map.of()),
                call(name, Instant.now(), "GET", "/api/v1/merchants/me", 200, null, "sid-B", iat.plusSeconds(300), Map.of()));
        await().atMost(wait).until(() -> runs.evidence(id, "onboarding-refreshed-token").size() == 2);
        assertEquals("PENDING", runs.caseStatus(id, "onboarding-refreshed-token"), "another session's later token is no refresh");
        runs.send("api-activity", call(name, Instant.now(), "GET", "/api/v1/merchants/me", 200, null, "sid-A", iat.plusSeconds(300), Map.of()));
        await().atMost(wait).until(() -> "PASSED".equals(runs.caseStatus(id, "onboarding-refreshed-token")));
        assertTrue(runs.evidence(id, "onboarding-refreshed-token").stream().anyMatch(e -> "MATCHED".equals(e.get("outcome"))
                && String.valueOf(e.get("reason")).contains("session sid-A refreshed")));
    }

    @Test
    void testCallbacksAreAskedOnCallbackCommandsAndJudgedFromCallbackServicesAnswers() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("Callbacks")).getString("id");
        String commands = RUNS + "/" + id + "/cases/callbacks-test-answered/commands";
        given().auth().oauth2(runs.token).post(commands).then().statusCode(409).body("error_code", equalTo("12033"));
        runs.send("api-activity", call(name, "GET", "/api/v1/merchants/me", 200, null));
        await().atMost(wait).until(() -> MERCHANT.toString().equals(runs.run(id).getString("merchantId")));
        var task = runs.kafka.consume(String.class, EventEnvelope.class).fromTopics(prefix + "callback-commands");
        try {
            given().auth().oauth2(runs.token).post(commands).then().statusCode(202);
            Map<String, String> sent = runs.evidence(id, "callbacks-test-answered").stream().filter(e -> "SENT".equals(e.get("outcome")))
                    .collect(Collectors.toMap(e -> (String) e.get("eventId"), e -> (String) ((Map<?, ?>) e.get("values")).get("status")));
            assertEquals(Set.of("Paid", "Rejected"), Set.copyOf(sent.values()));
            // on the broker as callback-service reads them: type, key merchantId, payload {status}
            List<ConsumerRecord<String, EventEnvelope>> onBroker = await().atMost(wait).until(() -> task.getRecords().stream()
                    .filter(r -> r.value() != null && sent.containsKey(r.value().eventId().toString())).toList(), l -> l.size() == 2);
            for (ConsumerRecord<String, EventEnvelope> r : onBroker) {
                assertEquals("SendTestCallback", r.value().type());
                assertEquals(MERCHANT.toString(), r.key());
                assertEquals(sent.get(r.value().eventId().toString()), r.value().payload().get("status").asText());
            }
            String paid = sent.entrySet().stream().filter(e -> e.getValue().equals("Paid")).findFirst().orElseThrow().getKey();
            String rejected = sent.entrySet().stream().filter(e -> e.getValue().equals("Rejected")).findFirst().orElseThrow().getKey();
            runs.send("callback-events", Runs.event("TestCallbackDelivered", "callback-service", answer(paid, "Paid", 200, null)));
            await().atMost(wait).until(() -> runs.evidence(id, "callbacks-test-answered").stream().anyMatch(e -> "MATCHED".equals(e.get("outcome"))));
            assertEquals("PENDING", runs.caseStatus(id, "callbacks-test-answered"));
            runs.send("callback-events", Runs.event("TestCallbackFailed", "callback-service", answer(rejected, "Rejected", 500, "HTTP 500")));
            await().atMost(wait).until(() -> "FAILED".equals(runs.caseStatus(id, "callbacks-test-answered")));
            String reason = runs.caseReason(id, "callbacks-test-answered");
            assertTrue(reason.contains("the test callback with status Rejected failed: HTTP 500"), reason);
        } finally {
            task.stop();
        }
    }

    @Test
    void bothTestCallbacksDeliveredPassAndAnswersToOtherCommandsAreIgnored() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("Callbacks")).getString("id");
        runs.send("api-activity", call(name, "GET", "/api/v1/merchants/me", 200, null));
        await().atMost(wait).until(() -> runs.run(id).getString("merchantId") != null);
        given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/cases/callbacks-test-answered/commands").then().statusCode(202);
        Map<String, String> sent = runs.evidence(id, "callbacks-test-answered").stream()
                .collect(Collectors.toMap(e -> (String) e.get("eventId"), e -> (String) ((Map<?, ?>) e.get("values")).get("status")));
        runs.send("callback-events", Runs.event("TestCallbackFailed", "callback-service", answer(UUID.randomUUID().toString(), "Paid", 500, "not ours")));
        sent.forEach((command, status) -> runs.send("callback-events", Runs.event("TestCallbackDelivered", "callback-service", answer(command, status, 204, null))));
        await().atMost(wait).until(() -> "PASSED".equals(runs.caseStatus(id, "callbacks-test-answered")));
        // a case already judged asks for nothing more
        given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/cases/callbacks-test-answered/commands").then()
                .statusCode(409).body("error_code", equalTo("12032"));
    }

    @Test
    void aReviewCaseIsDeclaredByTheIntegratorAndAcceptedOrRejectedByAnAdministrator() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("Callbacks")).getString("id");
        String review = RUNS + "/" + id + "/cases/callbacks-sorted/review";
        String declaration = RUNS + "/" + id + "/cases/callbacks-sorted/declaration";
        Map<String, String> accept = Map.of("decision", "ACCEPTED", "comment", "sorts by date, then sequence");
        given().auth().oauth2(runs.adminToken).contentType(ContentType.JSON).body(accept).put(review).then()
                .statusCode(409).body("error_code", equalTo("12032")).body("error_description", containsString("not declared yet"));
        given().auth().oauth2(runs.token).contentType(ContentType.JSON).body(Map.of("text", " ")).put(declaration).then()
                .statusCode(400).body("error_code", equalTo("12001"));
        given().auth().oauth2(runs.token).contentType(ContentType.JSON).body(Map.of("text", "x"))
                .put(RUNS + "/" + id + "/cases/no-such-case/declaration").then().statusCode(404).body("error_code", equalTo("12034"));
        given().auth().oauth2(runs.token).contentType(ContentType.JSON).body(Map.of("text", "We sort each batch by date, then sequence."))
                .put(declaration).then().statusCode(200).body("cases.find { it.id == 'callbacks-sorted' }.status", equalTo("REVIEW"));
        given().auth().oauth2(runs.token).contentType(ContentType.JSON).body(accept).put(review).then()
                .statusCode(403).body("error_code", equalTo("12045"));
        given().auth().oauth2(runs.adminToken).contentType(ContentType.JSON).body(Map.of("decision", "MAYBE", "comment", "x")).put(review).then()
                .statusCode(400).body("error_code", equalTo("12035"));
        JsonPath accepted = given().auth().oauth2(runs.adminToken).contentType(ContentType.JSON).body(accept).put(review).then()
                .statusCode(200).extract().jsonPath();
        assertEquals("PASSED", accepted.getString("cases.find { it.id == 'callbacks-sorted' }.status"));
        assertEquals("accepted by ops-admin: sorts by date, then sequence", accepted.getString("cases.find { it.id == 'callbacks-sorted' }.reason"));

        String other = runs.selected(Runs.uniqueName(), Runs.VERSION, List.of("Callbacks")).getString("id");
        given().auth().oauth2(runs.token).contentType(ContentType.JSON).body(Map.of("text", "We process callbacks as they come."))
                .put(RUNS + "/" + other + "/cases/callbacks-sorted/declaration").then().statusCode(200);
        given().auth().oauth2(runs.adminToken).contentType(ContentType.JSON)
                .body(Map.of("decision", "REJECTED", "comment", "callbacks must be sorted by date and sequence"))
                .put(RUNS + "/" + other + "/cases/callbacks-sorted/review").then().statusCode(200)
                .body("cases.find { it.id == 'callbacks-sorted' }.status", equalTo("FAILED"))
                .body("cases.find { it.id == 'callbacks-sorted' }.reason", containsString("rejected by ops-admin: callbacks must be sorted"));
    }

    static InvoiceStatusChanged canceled(UUID invoice) {
        return new InvoiceStatusChanged(invoice, null, "Canceled", Instant.now(), 1, "Direct", null, null, null, null,
                null, null, null, null, null, null, null);
    }

    static Map<String, Object> answer(String commandId, String status, int statusCode, String error) {
        Map<String, Object> payload = new HashMap<>(Map.of("commandId", commandId, "requestedStatus", status, "statusCode", statusCode,
                "attempt", 1, "itemCount", 1));
        if (error != null) {
            payload.put("error", error);
        }
        return payload;
    }
}
