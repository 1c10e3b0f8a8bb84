package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.AuthorizationCodeFlow;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #9's way to production across the running stack: through the Onboarding API an administrator registers an
 * integrator with a sandbox app and a production app, each subscribed to the Invoice API with an approved redirect
 * URI; a merchant consents to both in Keycloak's authorization-code flow. The production app's merchant token is
 * refused by invoice-service (no client version, then a version without certificate) until the sandbox app has
 * certified that version through certification-service (the Onboarding cases performed with the sandbox client,
 * then approval); then the version and any build of its Major.Minor are admitted, and refused again within seconds
 * of an administrator retracting the certificate. The apps (Keycloak clients, their consents) are deleted afterwards.
 */
class ProductionAccessTest {
    static final String ONBOARDING = CertificationDriver.CERTIFICATION_SERVICE + "/api/v1/onboarding";
    static final String MERCHANTS_ME = JourneyTest.INVOICE_SERVICE + "/api/v1/merchants/me";
    static final String SANDBOX_REDIRECT = "http://127.0.0.1/production-access/signed-in";
    static final String PRODUCTION_REDIRECT = "https://erp.example.com/production-access/signed-in";
    static final String SYSTEM = "Production Access ERP";
    static final ObjectMapper JSON = new ObjectMapper();

    record App(String id, String clientId, String secret) {
        String clientCredentialsToken() {
            return Keycloak.token(Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret))
                    .path("access_token").asText();
        }
    }

    final HttpClient http = HttpClient.newHttpClient();
    final List<String> createdApps = new ArrayList<>();

    @AfterEach
    void deleteApps() throws Exception {
        for (String app : createdApps) {
            assertEquals(204, onboarding("DELETE", "/apps/" + app, null).statusCode(), "the app " + app + " is deleted");
        }
    }

    @Test
    void aProductionAppCallsOnlyWithACertifiedClientVersionUntilTheCertificateIsRetracted() throws Exception {
        // an integrator with a sandbox and a production app, both for the Invoice API, and a merchant's consent to each
        String integratorId = json(onboarding("POST", "/integrators", Map.of("name", "Production Access " + UUID.randomUUID().toString()
                .substring(0, 8))), 201).path("integratorId").asText();
        App sandbox = app(integratorId, "ERP Sandbox", "sandbox", SANDBOX_REDIRECT);
        App production = app(integratorId, "ERP Production", "production", PRODUCTION_REDIRECT);
        JsonNode sandboxTokens = consent(sandbox, SANDBOX_REDIRECT);
        String productionToken = consent(production, PRODUCTION_REDIRECT).path("access_token").asText();

        // refused without a certified client version
        assertRefused(invoiceApi(production, productionToken, null, null), "90014");
        assertRefused(invoiceApi(production, productionToken, SYSTEM, "2.4.1"), "90015");

        // the sandbox client certifies 2.4.1 for the production client: the Onboarding cases, performed as instructed
        CertificationDriver certification = new CertificationDriver(sandbox::clientCredentialsToken);
        String runId = certification.start(new CertificationDriver.Identification(integratorId, sandbox.clientId(), production.clientId(),
                SYSTEM, "2.4.1"), List.of());
        assertEquals(List.of("onboarding-merchant-read", "onboarding-refreshed-token"),
                certification.cases(runId).stream().map(c -> c.path("id").asText()).toList(), "Onboarding only");
        String sandboxToken = sandboxTokens.path("access_token").asText();
        assertEquals(200, invoiceApi(sandbox, sandboxToken, SYSTEM, "2.4.1").statusCode());
        String issuers = JourneyTest.INVOICE_SERVICE + "/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoiceissuers";
        assertEquals(200, send(get(issuers, sandbox, sandboxToken, SYSTEM, "2.4.1")).statusCode());
        Thread.sleep(1_100); // the refreshed token must carry a later iat (whole seconds)
        String refreshed = Keycloak.token(Map.of("grant_type", "refresh_token", "refresh_token", sandboxTokens.path("refresh_token").asText(),
                "client_id", sandbox.clientId(), "client_secret", sandbox.secret())).path("access_token").asText();
        assertEquals(200, invoiceApi(sandbox, refreshed, SYSTEM, "2.4.1").statusCode());
        assertEquals(Map.of("onboarding-merchant-read", "PASSED", "onboarding-refreshed-token", "PASSED"),
                certification.awaitVerdicts(runId, Duration.ofSeconds(60)));
        JsonNode report = certification.approve(runId);
        assertEquals("CERTIFIED", report.path("result").asText(), report.toString());

        // admitted: the certified version, and a new build of the same Major.Minor; another minor is not certified
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .until(() -> invoiceApi(production, productionToken, SYSTEM, "2.4.1").statusCode() == 200);
        HttpResponse<String> newBuild = invoiceApi(production, productionToken, SYSTEM, "2.4.7");
        assertEquals(200, newBuild.statusCode(), newBuild.body());
        assertEquals(MERCHANT_1.merchantId().toString(), JSON.readTree(newBuild.body()).path("merchantId").asText());
        assertRefused(invoiceApi(production, productionToken, SYSTEM, "2.5.0"), "90015");

        // an administrator retracts the certificate: refused again within seconds
        JsonNode certificate = certification.validCertificate(production.clientId(), SYSTEM, "2.4");
        assertEquals(runId, certificate.path("runId").asText());
        assertEquals("RETRACTED", certification.retract(certificate.path("id").asText(), "production access test").path("state").asText());
        long retracted = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> invoiceApi(production, productionToken, SYSTEM, "2.4.7").statusCode() == 403);
        assertRefused(invoiceApi(production, productionToken, SYSTEM, "2.4.7"), "90016");
        System.out.printf("production access: admitted after certification, refused %d ms after retraction%n",
                Duration.ofNanos(System.nanoTime() - retracted).toMillis());
    }

    /** An app created by the administrator, subscribed to the Invoice API, with its redirect URI approved. */
    App app(String integratorId, String name, String environment, String redirectUri) throws Exception {
        JsonNode created = json(onboarding("POST", "/integrators/" + integratorId + "/apps", Map.of("name", name, "environment", environment)), 201);
        App app = new App(created.path("id").asText(), created.path("clientId").asText(), created.path("clientSecret").asText());
        createdApps.add(app.id());
        assertFalse(app.secret().isEmpty(), "the secret is shown once, at creation");
        assertTrue(json(onboarding("PUT", "/apps/" + app.id() + "/subscriptions/invoice", null), 200).path("subscriptions").toString()
                .contains("invoice"));
        String redirect = json(onboarding("POST", "/apps/" + app.id() + "/redirect-uris", Map.of("uri", redirectUri)), 201).path("id").asText();
        assertEquals("APPROVED", json(onboarding("POST", "/redirect-uris/" + redirect + "/approval", null), 200).path("status").asText());
        return app;
    }

    /** merchant-1 signs in and consents to the app; the app's tokens (with a refresh token). */
    static JsonNode consent(App app, String redirectUri) throws Exception {
        AuthorizationCodeFlow flow = new AuthorizationCodeFlow(app.clientId(), redirectUri);
        assertTrue(flow.authorize("openid invoice offline_access").showsLoginForm(), "Keycloak knows the approved redirect URI");
        return flow.consent(MERCHANT_1, app.secret());
    }

    /** GET merchants/me as the app's client calls it: the merchant's token, the app's credentials, the client version if any. */
    HttpResponse<String> invoiceApi(App app, String token, String system, String version) throws Exception {
        return send(get(MERCHANTS_ME, app, token, system, version));
    }

    static HttpRequest.Builder get(String url, App app, String token, String system, String version) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("x-ibm-client-id", app.clientId()).header("x-ibm-client-secret", app.secret());
        if (system != null) {
            request.header("X-Client-System-Name", system).header("X-Client-System-Version", version);
        }
        return request.GET();
    }

    static void assertRefused(HttpResponse<String> response, String code) throws Exception {
        assertEquals(403, response.statusCode(), response.body());
        assertEquals(code, JSON.readTree(response.body()).path("error_code").asText(), response.body());
    }

    /** A call of the Onboarding API as the administrator (ops-admin). */
    HttpResponse<String> onboarding(String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ONBOARDING + path))
                .header("Authorization", "Bearer " + Tokens.of(LocalStack.OPS_ADMIN, "openid"));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return send(request);
    }

    static JsonNode json(HttpResponse<String> response, int expected) throws Exception {
        assertEquals(expected, response.statusCode(), response.request().method() + " " + response.request().uri() + ": " + response.body());
        return JSON.readTree(response.body());
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
