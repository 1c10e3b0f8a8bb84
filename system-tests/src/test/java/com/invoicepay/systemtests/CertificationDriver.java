package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.LocalStack;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The self-certification of a client version through the running certification-service, step by step as an
 * integrator's CI job goes (certification-service/README.md): identification and selection, the cases and their
 * instructions, waiting for the verdicts, approval; and an administrator's retraction of the certificate. The client
 * performs the cases itself in between. Every refusal fails the test with the service's error body.
 */
final class CertificationDriver {
    /** The stack's certification-service; another deployment's with -Djourney.certification-service=…. */
    static final String CERTIFICATION_SERVICE = System.getProperty("journey.certification-service", "http://127.0.0.1:8084");
    static final String API = CERTIFICATION_SERVICE + "/api/v1/certification";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who is certified: the integrator's sandbox client performs the cases, the certificate is for its production client. */
    record Identification(String integratorId, String sandboxClientId, String productionClientId, String clientSystemName,
                          String clientVersion) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final Supplier<String> integratorToken;

    /**
     * @param integratorToken a fresh access token of the run's integrator on each call (e.g. the sandbox client's
     *                        client-credentials token); the runs and certificates are read and approved with it
     */
    CertificationDriver(Supplier<String> integratorToken) {
        this.integratorToken = integratorToken;
    }

    /** Steps 1 and 2: identification (proven by the sandbox client's token) and selection (Onboarding is always in); the run id. */
    String start(Identification who, List<String> features) throws Exception {
        Map<String, Object> identification = new LinkedHashMap<>();
        identification.put("integratorId", who.integratorId());
        identification.put("sandboxClientId", who.sandboxClientId());
        identification.put("productionClientId", who.productionClientId());
        identification.put("clientSystemName", who.clientSystemName());
        identification.put("clientVersion", who.clientVersion());
        identification.put("accessToken", integratorToken.get());
        String runId = send("POST", API + "/runs", null, identification, 201).path("id").asText();
        send("PUT", API + "/runs/" + runId + "/features", integratorToken.get(), Map.of("features", features), 200);
        return runId;
    }

    JsonNode run(String runId) throws Exception {
        return send("GET", API + "/runs/" + runId, integratorToken.get(), null, 200);
    }

    /** The run's cases: id, feature, title, instruction (with the run's values), status, reason, evidence. */
    List<JsonNode> cases(String runId) throws Exception {
        return JSON.convertValue(run(runId).path("cases"), JSON.getTypeFactory().constructCollectionType(List.class, JsonNode.class));
    }

    /** Waits until no case is PENDING; each case id with its status (PASSED, WARNING, FAILED, REVIEW, SKIPPED). */
    Map<String, String> awaitVerdicts(String runId, Duration atMost) {
        Map<String, String> verdicts = new LinkedHashMap<>();
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
            verdicts.clear();
            for (JsonNode c : cases(runId)) {
                verdicts.put(c.path("id").asText(), c.path("status").asText());
            }
            return !verdicts.isEmpty() && !verdicts.containsValue("PENDING");
        });
        return verdicts;
    }

    /** A case's commands: certification-service sends its test callbacks to the run's merchant (202). */
    void askForTestCallbacks(String runId, String caseId) throws Exception {
        send("POST", API + "/runs/" + runId + "/cases/" + caseId + "/commands", integratorToken.get(), null, 202);
    }

    /** The integrator's declaration for a review case; the case waits in REVIEW for an administrator. */
    void declare(String runId, String caseId, String text) throws Exception {
        send("PUT", API + "/runs/" + runId + "/cases/" + caseId + "/declaration", integratorToken.get(), Map.of("text", text), 200);
    }

    /** An administrator (ops-admin) decides a declared case: ACCEPTED passes it, REJECTED fails it. */
    void review(String runId, String caseId, String decision, String comment) throws Exception {
        send("PUT", API + "/runs/" + runId + "/cases/" + caseId + "/review", Tokens.of(LocalStack.OPS_ADMIN, "openid"),
                Map.of("decision", decision, "comment", comment), 200);
    }

    /** Step 4: the signed report of the approved run; the certificate is issued with it. */
    JsonNode approve(String runId) throws Exception {
        return send("POST", API + "/runs/" + runId + "/approval", integratorToken.get(), null, 200);
    }

    /** The valid certificate of a production client for a client system's Major.Minor; fails the test when there is none. */
    JsonNode validCertificate(String productionClientId, String clientSystemName, String majorMinor) throws Exception {
        JsonNode all = send("GET", API + "/certificates?productionClientId=" + URLEncoder.encode(productionClientId, StandardCharsets.UTF_8),
                integratorToken.get(), null, 200);
        for (JsonNode certificate : all) {
            if (clientSystemName.equals(certificate.path("clientSystemName").asText()) && majorMinor.equals(certificate.path("majorMinor").asText())
                    && "VALID".equals(certificate.path("state").asText())) {
                return certificate;
            }
        }
        throw new AssertionError("no valid certificate of " + clientSystemName + " " + majorMinor + " for " + productionClientId + ": " + all);
    }

    /** An administrator (ops-admin) retracts the certificate; the retracted certificate. */
    JsonNode retract(String certificateId, String reason) throws Exception {
        return send("POST", API + "/certificates/" + certificateId + "/retraction", Tokens.of(LocalStack.OPS_ADMIN, "openid"),
                Map.of("reason", reason), 200);
    }

    private JsonNode send(String method, String url, String bearer, Object body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + url + ": " + response.body());
        return JSON.readTree(response.body());
    }
}
