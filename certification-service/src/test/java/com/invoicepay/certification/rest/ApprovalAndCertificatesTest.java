package com.invoicepay.certification.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.fixture.Runs;
import com.invoicepay.certification.signing.Jws;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.xml.XmlPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.invoicepay.certification.fixture.Runs.RUNS;
import static com.invoicepay.certification.fixture.Runs.call;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Step 4 and certificates: timeouts on the moved clock, cancelling, approval with a signed report
 * (verified against the published keys), the report's three formats, the version rule, retraction,
 * and certification-events on the broker.
 */
@QuarkusTest
class ApprovalAndCertificatesTest {
    static final String CERTS = "/api/v1/certification/certificates";
    static final Duration WAIT = Duration.ofSeconds(20);
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

    /** The Onboarding cases passed by real-looking traffic: both reads, then /me again with a refreshed token. */
    void passOnboarding(String name, String version) {
        Instant iat = Instant.now().minusSeconds(400);
        runs.send("api-activity",
                Runs.version(call(name, Instant.now(), "GET", "/api/v1/merchants/me", 200, null, "sid-" + name, iat, Map.of()), version),
                Runs.version(call(name, Instant.now(), "GET", "/api/v1/merchants/{merchantId}/invoiceissuers", 200, null, "sid-" + name, iat, Map.of()), version),
                Runs.version(call(name, Instant.now(), "GET", "/api/v1/merchants/me", 200, null, "sid-" + name, iat.plusSeconds(300), Map.of()), version));
    }

    JsonPath selectedAndPassed(String name, String version) {
        String id = runs.selected(name, version, List.of()).getString("id");
        passOnboarding(name, version);
        await().atMost(WAIT).until(() -> runs.run(id).getList("cases.status").stream().allMatch("PASSED"::equals));
        return runs.run(id);
    }

    @Test
    void aCaseNotObservedWithinTheTimeoutFailsWithNotObservedEvidenceAndTheReportSaysWhy() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("InvoiceDirect")).getString("id");
        runs.send("api-activity", call(name, "GET", "/api/v1/merchants/me", 200, null));
        await().atMost(WAIT).until(() -> runs.evidence(id, "onboarding-merchant-read").size() == 1);
        try {
            runs.clock("PT29M");
            // not yet: the sweeps (every second in tests) at 29 minutes leave the cases open
            await().pollDelay(Duration.ofMillis(2500)).atMost(WAIT).until(() -> true);
            assertEquals("PENDING", runs.caseStatus(id, "invoicedirect-create"));
            runs.clock("PT31M");
            await().atMost(WAIT).until(() -> runs.run(id).getList("cases.status").stream().allMatch("FAILED"::equals));
        } finally {
            runs.clock("PT0S");
        }
        String reason = runs.caseReason(id, "onboarding-merchant-read");
        assertTrue(reason.startsWith("not observed within PT30M of selection: call GET /api/v1/merchants/{merchantId}/invoiceissuers"), reason);
        List<Map<String, Object>> evidence = runs.evidence(id, "onboarding-merchant-read");
        assertEquals(List.of("MATCHED", "NOT_OBSERVED"), evidence.stream().map(e -> e.get("outcome")).toList(), "what was seen stays evidence");
        assertEquals("timeout", evidence.get(1).get("source"));

        given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/approval").then().statusCode(409)
                .body("error_code", equalTo("12031")).body("error_description", containsString("invoicedirect-create FAILED"));
        given().auth().oauth2(runs.token).get(RUNS + "/" + id + "/report").then().statusCode(200)
                .body("result", equalTo("NOT_CERTIFIED")).body("summary.failed", equalTo(4))
                .body("cases.find { it.id == 'invoicelink-create' }.result", equalTo("SKIPPED"));
        XmlPath junit = new XmlPath(given().auth().oauth2(runs.token).get(RUNS + "/" + id + "/report.xml").then().statusCode(200)
                .contentType(containsString("xml")).extract().asString());
        assertEquals(15, junit.getInt("testsuite.@tests")); // the catalog's 15 cases
        assertEquals(4, junit.getInt("testsuite.@failures"));
        assertEquals(11, junit.getInt("testsuite.@skipped"));
        assertTrue(junit.getString("testsuite.testcase.find { it.@name.toString().startsWith('invoicedirect-create') }.failure.@message")
                .contains("not observed within PT30M"));
    }

    @Test
    void aCancelledRunSkipsItsOpenCasesAndIsFinal() {
        String id = runs.selected(Runs.uniqueName(), Runs.VERSION, List.of("Cancel")).getString("id");
        String other = Keycloak.token(Map.of("grant_type", "client_credentials", "client_id", LocalStack.INTEGRATOR_APP_2.clientId(),
                "client_secret", LocalStack.INTEGRATOR_APP_2.secret())).get("access_token").asText();
        given().auth().oauth2(other).post(RUNS + "/" + id + "/cancellation").then().statusCode(403).body("error_code", equalTo("12043"));
        given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/cancellation").then().statusCode(200)
                .body("status", equalTo("CANCELLED")).body("cases.status", everyItem(equalTo("SKIPPED")))
                .body("cases[0].reason", containsString("run cancelled by"));
        given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/cancellation").then().statusCode(409).body("error_code", equalTo("12030"));
        given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/approval").then().statusCode(409).body("error_code", equalTo("12030"));
        given().auth().oauth2(runs.token).contentType(ContentType.JSON).body(Map.of("features", List.of())).put(RUNS + "/" + id + "/features")
                .then().statusCode(409).body("error_code", equalTo("12030"));
        given().auth().oauth2(runs.token).get(RUNS + "/" + id + "/report").then().statusCode(200).body("result", equalTo("NOT_CERTIFIED"));
    }

    /** Both requests sent together; their statuses in ascending order, and the refusal's error code. */
    private static List<String> approvedTogether(String first, String second) throws Exception {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.function.Function<String, java.util.concurrent.CompletableFuture<io.restassured.response.Response>> approve = id ->
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/approval");
                });
        var a = approve.apply(first);
        var b = approve.apply(second);
        return java.util.stream.Stream.of(a.get(60, java.util.concurrent.TimeUnit.SECONDS), b.get(60, java.util.concurrent.TimeUnit.SECONDS))
                .sorted(java.util.Comparator.comparingInt(io.restassured.response.Response::statusCode))
                .map(r -> r.statusCode() + (r.statusCode() == 200 ? "" : " " + r.jsonPath().getString("error_code")))
                .toList();
    }

    @Test
    void approvalsAtTheSameTimeIssueOneCertificateAndAnswerTheOther409() throws Exception {
        String name = Runs.uniqueName();
        String id = selectedAndPassed(name, "5.2.1").getString("id");
        assertEquals(List.of("200", "409 12030"), approvedTogether(id, id), "the same run approved twice at once");

        String other = Runs.uniqueName();
        String first = selectedAndPassed(other, "6.0.1").getString("id");
        String second = selectedAndPassed(other, "6.0.2").getString("id");
        assertEquals(List.of("200", "409 12052"), approvedTogether(first, second), "two runs of one Major.Minor approved at once");

        for (String system : List.of(name, other)) {
            given().auth().oauth2(runs.token).queryParam("productionClientId", "integrator-app-prod").get(CERTS).then().statusCode(200)
                    .body("findAll { it.clientSystemName == '" + system + "' }.state", equalTo(List.of("VALID")));
        }
    }

    @Test
    void aPassingRunIsApprovedWithASignedReportAndACertificateThatCoversEveryBuildOfItsMajorMinor() {
        String name = Runs.uniqueName();
        String id = selectedAndPassed(name, "3.1.4").getString("id");
        given().auth().oauth2(runs.token).get(RUNS + "/" + id + "/report").then().statusCode(200).body("result", equalTo("IN_PROGRESS"));
        given().auth().oauth2(runs.token).get(RUNS + "/" + id + "/report.jws").then().statusCode(409).body("error_code", equalTo("12030"));
        var events = runs.kafka.consume(String.class, EventEnvelope.class).fromTopics(prefix + "certification-events");
        try {
            JsonPath approved = given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/approval").then().statusCode(200)
                    .body("result", equalTo("CERTIFIED")).body("runStatus", equalTo("APPROVED"))
                    .body("certificate.majorMinor", equalTo("3.1")).body("certificate.productionClientId", equalTo("integrator-app-prod"))
                    .body("summary.passed", equalTo(2)).body("summary.skipped", equalTo(13))
                    .body("cases.find { it.id == 'onboarding-refreshed-token' }.evidence.correlationId", hasSize(2))
                    .extract().jsonPath();
            String certificate = approved.getString("certificate.id");
            assertEquals("APPROVED", runs.run(id).getString("status"));

            // the signed report: the JWS verifies with the published key its kid names, and its payload is the report served
            byte[] served = given().auth().oauth2(runs.token).get(RUNS + "/" + id + "/report").then().statusCode(200).extract().asByteArray();
            String jws = given().auth().oauth2(runs.token).get(RUNS + "/" + id + "/report.jws").then().statusCode(200)
                    .contentType(containsString("application/jose")).extract().asString();
            JsonPath keys = given().get("/api/v1/certification/keys").then().statusCode(200).extract().jsonPath();
            List<Map<String, String>> jwks = keys.getList("keys");
            java.util.function.Function<String, Optional<PublicKey>> published = kid -> jwks.stream()
                    .filter(k -> kid.equals(k.get("kid"))).findFirst().map(k -> Jws.fromJwk(k.get("x")));
            assertArrayEquals(served, Jws.verify(jws, published).orElseThrow());
            String[] parts = jws.split("\\.");
            String tampered = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"CERTIFIED\"", "\"CERTIFIEd\"");
            assertTrue(Jws.verify(parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(tampered.getBytes(StandardCharsets.UTF_8))
                    + "." + parts[2], published).isEmpty(), "a changed byte is detected");
            // immutable: asked again, the same bytes, even after the run's cases would be read differently
            assertArrayEquals(served, given().auth().oauth2(runs.token).get(RUNS + "/" + id + "/report").then().extract().asByteArray());
            given().auth().oauth2(runs.token).get(RUNS + "/" + id + "/report.html").then().statusCode(200)
                    .contentType(containsString("text/html")).body(containsString("Certification report: CERTIFIED"))
                    .body(containsString("onboarding-refreshed-token")).body(containsString(certificate));
            given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/approval").then().statusCode(409).body("error_code", equalTo("12030"));

            // on certification-events, keyed by the production client: enough for a projection
            ConsumerRecord<String, EventEnvelope> issued = await().atMost(WAIT).until(() -> events.getRecords().stream()
                    .filter(r -> r.value() != null && certificate.equals(r.value().payload().path("certificateId").asText())).findFirst(), Optional::isPresent).get();
            assertEquals("ClientVersionCertified", issued.value().type());
            assertEquals("integrator-app-prod", issued.key());
            JsonNode p = issued.value().payload();
            assertEquals(List.of(name, "3.1", "3.1.4", "VALID"), List.of(p.get("clientSystemName").asText(), p.get("majorMinor").asText(),
                    p.get("certifiedVersion").asText(), p.get("state").asText()));

            // the version rule: every build of 3.1 is covered, 3.2 is not; a second run of 3.1 cannot be approved
            coverage(name, "3.1.9").body("covered", equalTo(true)).body("certificate.id", equalTo(certificate));
            coverage(name, "3.2.0").body("covered", equalTo(false)).body("reason", containsString("needs a certification run"));
            coverage(name, "3.1").statusCode(400).body("error_code", equalTo("12002"));
            String second = selectedAndPassed(name, "3.1.7").getString("id");
            given().auth().oauth2(runs.token).post(RUNS + "/" + second + "/approval").then().statusCode(409)
                    .body("error_code", equalTo("12052")).body("error_description", containsString(certificate));

            // retraction: an administrator's, with a reason; in the history and on certification-events
            String retraction = CERTS + "/" + certificate + "/retraction";
            given().auth().oauth2(runs.token).contentType(ContentType.JSON).body(Map.of("reason", "x")).post(retraction).then()
                    .statusCode(403).body("error_code", equalTo("12045"));
            given().auth().oauth2(runs.adminToken).contentType(ContentType.JSON).body(Map.of("reason", " ")).post(retraction).then()
                    .statusCode(400).body("error_code", equalTo("12001"));
            given().auth().oauth2(runs.adminToken).contentType(ContentType.JSON).body(Map.of("reason", "double charges in production"))
                    .post(retraction).then().statusCode(200).body("state", equalTo("RETRACTED"))
                    .body("retractionReason", equalTo("double charges in production"))
                    .body("history.type", equalTo(List.of("ClientVersionCertified", "CertificationRetracted")))
                    .body("history[1].actor", equalTo("ops-admin"));
            given().auth().oauth2(runs.adminToken).contentType(ContentType.JSON).body(Map.of("reason", "again")).post(retraction).then()
                    .statusCode(409).body("error_code", equalTo("12051"));
            ConsumerRecord<String, EventEnvelope> retracted = await().atMost(WAIT).until(() -> events.getRecords().stream()
                    .filter(r -> r.value() != null && "CertificationRetracted".equals(r.value().type())
                            && certificate.equals(r.value().payload().path("certificateId").asText())).findFirst(), Optional::isPresent).get();
            assertEquals("double charges in production", retracted.value().payload().get("reason").asText());
            assertEquals("RETRACTED", retracted.value().payload().get("state").asText());
            coverage(name, "3.1.9").body("covered", equalTo(false));

            // the retracted certificate stays in the history; the second run may now be approved
            String newer = given().auth().oauth2(runs.token).post(RUNS + "/" + second + "/approval").then().statusCode(200)
                    .extract().path("certificate.id");
            given().auth().oauth2(runs.token).queryParam("productionClientId", "integrator-app-prod").get(CERTS).then().statusCode(200)
                    .body("findAll { it.clientSystemName == '" + name + "' }.state", equalTo(List.of("RETRACTED", "VALID")))
                    .body("find { it.id == '" + newer + "' }.certifiedVersion", equalTo("3.1.7"));
            String other = Keycloak.token(Map.of("grant_type", "client_credentials", "client_id", LocalStack.INTEGRATOR_APP_2.clientId(),
                    "client_secret", LocalStack.INTEGRATOR_APP_2.secret())).get("access_token").asText();
            given().auth().oauth2(other).get(CERTS + "/" + newer).then().statusCode(404).body("error_code", equalTo("12050"));
        } finally {
            events.stop();
        }
    }

    io.restassured.response.ValidatableResponse coverage(String name, String version) {
        return given().auth().oauth2(runs.token).queryParam("productionClientId", "integrator-app-prod")
                .queryParam("clientSystemName", name).queryParam("clientVersion", version).get(CERTS + "/coverage").then();
    }

    @Test
    void thePublishedKeysAreEd25519JwksWithKeyIds() {
        given().get("/api/v1/certification/keys").then().statusCode(200)
                .body("keys.kty", everyItem(equalTo("OKP"))).body("keys.crv", everyItem(equalTo("Ed25519")))
                .body("keys.alg", everyItem(equalTo("EdDSA"))).body("keys.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }
}
