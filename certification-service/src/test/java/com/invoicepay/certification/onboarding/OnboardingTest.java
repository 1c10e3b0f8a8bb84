package com.invoicepay.certification.onboarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.AtOnce;
import com.invoicepay.testsupport.AuthorizationCodeFlow;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP_2;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Integrator onboarding against the real Keycloak, PostgreSQL and the running invoice-service: integrators and apps,
 * a secret shown once and rotated, subscriptions as scopes, redirect URIs gating the authorization-code flow,
 * merchants' consents and their revocation, the audit log, and every refusal with its error body. Each test creates
 * uniquely named Keycloak clients and deletes them afterwards.
 */
@QuarkusTest
class OnboardingTest {
    static final String API = "/api/v1/onboarding";
    static final String INVOICE_API = "http://127.0.0.1:8081/api/v1/merchants/me";
    static final String REDIRECT = "http://127.0.0.1/onboarding-test/callback";
    static final ObjectMapper JSON = new ObjectMapper();

    static String adminToken, merchantToken, otherIntegratorToken;
    @Inject
    Pool pool;
    static String integratorId;
    /** This test's first app of the integrator, created by the administrator: its token is how the integrator acts. */
    App consoleApp;
    final List<String> createdApps = new ArrayList<>();

    record App(String id, String clientId, String secret) {
        String clientCredentialsToken() {
            return clientToken(clientId, secret, null);
        }
    }

    @BeforeAll
    static void tokens() {
        adminToken = Keycloak.userToken(INTEGRATOR_APP_2, LocalStack.OPS_ADMIN, "openid");
        merchantToken = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid");
        otherIntegratorToken = clientToken(INTEGRATOR_APP_2.clientId(), INTEGRATOR_APP_2.secret(), null);
    }

    /**
     * The integrator of this test run, registered once (RestAssured knows the test port only inside a test), and
     * this test's console app.
     */
    void integrator() {
        synchronized (OnboardingTest.class) {
            if (integratorId == null) {
                String name = "Onboarding Test " + UUID.randomUUID().toString().substring(0, 8);
                integratorId = given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("name", name))
                        .when().post(API + "/integrators").then().statusCode(201)
                        .body("name", equalTo(name)).body("createdBy", equalTo("ops-admin"))
                        .extract().path("integratorId");
            }
        }
        if (consoleApp == null) {
            consoleApp = createApp(adminToken, "console", "sandbox");
        }
    }

    @AfterEach
    void deleteApps() {
        if (consoleApp != null) {
            createdApps.add(consoleApp.id());
        }
        for (String app : createdApps) {
            given().auth().oauth2(adminToken).when().delete(API + "/apps/" + app).then().statusCode(204);
        }
    }

    /** Created by the integrator itself (its console app's client-credentials token). */
    App newApp(String name) {
        integrator();
        App app = createApp(consoleApp.clientCredentialsToken(), name, "sandbox");
        createdApps.add(app.id());
        return app;
    }

    static App createApp(String token, String name, String environment) {
        ExtractableResponse<Response> created = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("name", name, "environment", environment))
                .when().post(API + "/integrators/" + integratorId + "/apps").then().statusCode(201)
                .header("Location", containsString(API + "/apps/"))
                .body("integratorId", equalTo(integratorId))
                .body("environment", equalTo(environment))
                .body("clientId", matchesPattern(integratorId + "-[a-z0-9-]+"))
                .body("clientSecret", notNullValue())
                .extract();
        return new App(created.path("id"), created.path("clientId"), created.path("clientSecret"));
    }

    static String clientToken(String clientId, String secret, String scope) {
        var form = new java.util.HashMap<>(Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret));
        if (scope != null) {
            form.put("scope", scope);
        }
        return Keycloak.token(form).get("access_token").asText();
    }

    static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    static ValidatableResponse callInvoiceApi(String accessToken, String clientId, String secret) {
        return given().auth().oauth2(accessToken).header("x-ibm-client-id", clientId).header("x-ibm-client-secret", secret)
                .when().get(INVOICE_API).then();
    }

    /** Ask for a redirect URI as the integrator and approve it as the administrator. */
    void approvedRedirect(App app, String uri) {
        String id = given().auth().oauth2(consoleApp.clientCredentialsToken()).contentType(ContentType.JSON).body(Map.of("uri", uri))
                .when().post(API + "/apps/" + app.id() + "/redirect-uris").then().statusCode(201)
                .body("status", equalTo("PENDING")).extract().path("id");
        given().auth().oauth2(adminToken).when().post(API + "/redirect-uris/" + id + "/approval").then().statusCode(200)
                .body("status", equalTo("APPROVED")).body("decidedBy", equalTo("ops-admin"));
    }

    void subscribe(App app, String api) {
        given().auth().oauth2(consoleApp.clientCredentialsToken()).when().put(API + "/apps/" + app.id() + "/subscriptions/" + api)
                .then().statusCode(200).body("subscriptions", hasItem(api));
    }

    /** merchant-1 logs in and consents to the app; its token response. */
    JsonNode merchantConsents(App app, String scope) throws Exception {
        AuthorizationCodeFlow flow = new AuthorizationCodeFlow(app.clientId(), REDIRECT);
        assertTrue(flow.authorize(scope).showsLoginForm(), "the approved redirect URI is accepted by Keycloak");
        return flow.consent(MERCHANT_1, app.secret());
    }

    // --- apps, credentials shown once, the Invoice API ---

    @Test
    void aNewAppsCredentialsGetATokenThatCallsTheInvoiceApiAndTheSecretIsShownOnce() throws Exception {
        App app = newApp("Shop Connector");
        given().auth().oauth2(consoleApp.clientCredentialsToken()).when().get(API + "/apps/" + app.id()).then().statusCode(200)
                .body("name", equalTo("Shop Connector")).body("clientId", equalTo(app.clientId()))
                .body("$", not(org.hamcrest.Matchers.hasKey("clientSecret")));
        given().auth().oauth2(consoleApp.clientCredentialsToken()).when().get(API + "/integrators/" + integratorId + "/apps")
                .then().statusCode(200).body("clientId", hasItem(app.clientId())).body("clientSecret", everyItem(nullValue()));

        subscribe(app, "invoice");
        approvedRedirect(app, REDIRECT);
        JsonNode tokens = merchantConsents(app, "openid invoice");
        String accessToken = tokens.get("access_token").asText();
        JsonNode claims = claims(accessToken);
        assertEquals(app.clientId(), claims.get("azp").asText());
        assertEquals(integratorId, claims.get("integrator_id").asText());
        assertEquals("sandbox", claims.get("environment").asText());
        assertEquals(MERCHANT_1.merchantId().toString(), claims.get("merchant_id").asText());
        assertTrue(claims.get("scope").asText().contains("invoice"));

        callInvoiceApi(accessToken, app.clientId(), app.secret()).statusCode(200)
                .body("merchantId", equalTo(MERCHANT_1.merchantId().toString()));
        callInvoiceApi(accessToken, app.clientId(), "not-" + app.secret()).statusCode(401).body("error_code", equalTo("90004"));
    }

    @Test
    void aRotatedSecretWorksAtOnceAndTheOldOneIsRefusedWithinTheGatewaysCachePeriod() throws Exception {
        App app = newApp("Rotating ERP");
        subscribe(app, "invoice");
        approvedRedirect(app, REDIRECT);
        String accessToken = merchantConsents(app, "openid invoice").get("access_token").asText();
        callInvoiceApi(accessToken, app.clientId(), app.secret()).statusCode(200); // the old pair is now in the gateway's cache

        String newSecret = given().auth().oauth2(consoleApp.clientCredentialsToken()).when().post(API + "/apps/" + app.id() + "/secret")
                .then().statusCode(200).body("clientId", equalTo(app.clientId())).extract().path("clientSecret");
        assertNotEquals(app.secret(), newSecret);

        given().formParams(Map.of("grant_type", "client_credentials", "client_id", app.clientId(), "client_secret", app.secret()))
                .when().post(LocalStack.TOKEN_URL).then().statusCode(401).body("error", equalTo("unauthorized_client"));
        clientToken(app.clientId(), newSecret, null);
        callInvoiceApi(accessToken, app.clientId(), newSecret).statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofSeconds(5))
                .until(() -> callInvoiceApi(accessToken, app.clientId(), app.secret()).extract().statusCode() == 401);
        given().auth().oauth2(consoleApp.clientCredentialsToken()).when().get(API + "/apps/" + app.id()).then().statusCode(200)
                .body("$", not(org.hamcrest.Matchers.hasKey("clientSecret")));
    }

    // --- subscriptions are the client's scopes ---

    @Test
    void aSubscriptionMakesItsScopeAppearInTokensAndUnsubscribingRemovesIt() throws Exception {
        App app = newApp("Reporting Bridge");
        tokenForScope(app, "transactionreporting").statusCode(400).body("error", equalTo("invalid_scope"));

        subscribe(app, "transactionreporting");
        String token = tokenForScope(app, "transactionreporting").statusCode(200).extract().path("access_token");
        assertTrue(List.of(claims(token).get("scope").asText().split(" ")).contains("transactionreporting"));
        tokenForScope(app, "invoice").statusCode(400).body("error", equalTo("invalid_scope")); // only subscribed APIs

        given().auth().oauth2(consoleApp.clientCredentialsToken()).when().delete(API + "/apps/" + app.id() + "/subscriptions/transactionreporting")
                .then().statusCode(200).body("subscriptions", not(hasItem("transactionreporting")));
        tokenForScope(app, "transactionreporting").statusCode(400).body("error", equalTo("invalid_scope"));
    }

    static ValidatableResponse tokenForScope(App app, String scope) {
        return given().formParams(Map.of("grant_type", "client_credentials", "client_id", app.clientId(),
                "client_secret", app.secret(), "scope", scope)).when().post(LocalStack.TOKEN_URL).then();
    }

    @Test
    void theAppsTokensCarryItsIntegratorAndAProductionAppIsReadyForCertification() throws Exception {
        App sandbox = newApp("Claims Sandbox");
        App production = createApp(consoleApp.clientCredentialsToken(), "Claims Production", "production");
        createdApps.add(production.id());
        assertEquals(integratorId, claims(sandbox.clientCredentialsToken()).get("integrator_id").asText());
        assertEquals("sandbox", claims(sandbox.clientCredentialsToken()).get("environment").asText());
        assertEquals(integratorId, claims(production.clientCredentialsToken()).get("integrator_id").asText());
        assertEquals("production", claims(production.clientCredentialsToken()).get("environment").asText());
        // the user simulation exists only in the sandbox
        given().auth().oauth2(consoleApp.clientCredentialsToken()).when().put(API + "/apps/" + production.id() + "/subscriptions/invoice-usersimulation")
                .then().statusCode(400).body("error_code", equalTo("12107")).body("error_description", containsString("invoice-usersimulation"));
        // the way to production: a certification run of the sandbox app's client for the production app is identified
        Map<String, Object> identification = Map.of("integratorId", integratorId, "sandboxClientId", sandbox.clientId(),
                "productionClientId", production.clientId(), "clientSystemName", "Onboarded ERP", "clientVersion", "1.0.0",
                "accessToken", sandbox.clientCredentialsToken());
        given().contentType(ContentType.JSON).body(identification).when().post("/api/v1/certification/runs").then().statusCode(201)
                .body("integratorId", equalTo(integratorId)).body("productionClientId", equalTo(production.clientId()));
    }

    // --- redirect URIs gate the authorization-code flow ---

    @Test
    void aRedirectUriIsRefusedByKeycloakUntilApprovedAndARejectedOneStaysRefused() throws Exception {
        App app = newApp("Redirect Gate");
        String token = consoleApp.clientCredentialsToken();
        String pendingUri = "http://127.0.0.1/onboarding-test/pending";
        String rejectedUri = "https://erp.example.com/onboarding-test/rejected";
        String pending = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("uri", pendingUri))
                .when().post(API + "/apps/" + app.id() + "/redirect-uris").then().statusCode(201)
                .body("status", equalTo("PENDING")).body("uri", equalTo(pendingUri)).extract().path("id");
        String rejected = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("uri", rejectedUri))
                .when().post(API + "/apps/" + app.id() + "/redirect-uris").then().statusCode(201).extract().path("id");

        given().auth().oauth2(adminToken).when().get(API + "/redirect-uris").then().statusCode(200)
                .body("id", hasItems(pending, rejected));
        AuthorizationCodeFlow.Authorization refused = new AuthorizationCodeFlow(app.clientId(), pendingUri).authorize("openid");
        assertFalse(refused.showsLoginForm());
        assertTrue(refused.body().contains("redirect_uri"), "Keycloak names the redirect_uri: " + refused.status());

        given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("reason", "not our customer's domain"))
                .when().post(API + "/redirect-uris/" + rejected + "/rejection").then().statusCode(200)
                .body("status", equalTo("REJECTED")).body("reason", equalTo("not our customer's domain"));
        given().auth().oauth2(adminToken).when().post(API + "/redirect-uris/" + pending + "/approval").then().statusCode(200)
                .body("status", equalTo("APPROVED"));
        given().auth().oauth2(adminToken).when().post(API + "/redirect-uris/" + pending + "/approval").then().statusCode(409)
                .body("error_code", equalTo("12113"));

        assertTrue(new AuthorizationCodeFlow(app.clientId(), pendingUri).authorize("openid").showsLoginForm());
        assertFalse(new AuthorizationCodeFlow(app.clientId(), rejectedUri).authorize("openid").showsLoginForm());
        // exact match: a longer path is another URI
        assertFalse(new AuthorizationCodeFlow(app.clientId(), pendingUri + "/deeper").authorize("openid").showsLoginForm());
        given().auth().oauth2(adminToken).when().get(API + "/redirect-uris").then().statusCode(200)
                .body("id", not(hasItem(pending))).body("id", not(hasItem(rejected)));

        given().auth().oauth2(token).when().delete(API + "/apps/" + app.id() + "/redirect-uris/" + pending).then().statusCode(204);
        assertFalse(new AuthorizationCodeFlow(app.clientId(), pendingUri).authorize("openid").showsLoginForm());
    }

    @Test
    void nonHttpsWildcardAndMalformedRedirectUrisAreRefusedNamingTheRule() {
        App app = newApp("Redirect Rules");
        String token = consoleApp.clientCredentialsToken();
        Map<String, String> refusals = Map.of(
                "http://erp.example.com/callback", "12110",
                "https://erp.example.com/*", "12111",
                "https://*.example.com/callback", "12111",
                "/relative/callback", "12110",
                "https://erp.example.com/callback#fragment", "12110",
                "", "12101");
        refusals.forEach((uri, code) -> given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("uri", uri))
                .when().post(API + "/apps/" + app.id() + "/redirect-uris").then().statusCode(400)
                .body("error", equalTo("InputError")).body("error_code", equalTo(code)).body("correlation_id", notNullValue()));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("uri", "https://erp.example.com/callback"))
                .when().post(API + "/apps/" + app.id() + "/redirect-uris").then().statusCode(201);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("uri", "https://erp.example.com/callback"))
                .when().post(API + "/apps/" + app.id() + "/redirect-uris").then().statusCode(409).body("error_code", equalTo("12112"));
    }

    // --- merchants' consents ---

    @Test
    void aMerchantSeesItsConsentAndRevokingItStopsTheRefreshToken() throws Exception {
        App app = newApp("Consent Holder");
        subscribe(app, "invoice");
        approvedRedirect(app, REDIRECT);
        JsonNode tokens = merchantConsents(app, "openid invoice offline_access");
        String refreshToken = tokens.get("refresh_token").asText();
        refresh(app, refreshToken).statusCode(200);

        given().auth().oauth2(merchantToken).when().get(API + "/consents").then().statusCode(200)
                .body("find { it.clientId == '" + app.clientId() + "' }.integratorId", equalTo(integratorId))
                .body("find { it.clientId == '" + app.clientId() + "' }.appName", equalTo("Consent Holder"))
                .body("find { it.clientId == '" + app.clientId() + "' }.scopes", hasItem("invoice"));

        given().auth().oauth2(merchantToken).when().delete(API + "/consents/" + app.clientId()).then().statusCode(204);
        refresh(app, refreshToken).statusCode(400).body("error", equalTo("invalid_grant"));
        given().auth().oauth2(merchantToken).when().get(API + "/consents").then().statusCode(200)
                .body("clientId", not(hasItem(app.clientId())));
        given().auth().oauth2(merchantToken).when().delete(API + "/consents/" + app.clientId()).then().statusCode(404)
                .body("error_code", equalTo("12133"));
        given().auth().oauth2(adminToken).queryParam("integratorId", integratorId).when().get(API + "/audit").then().statusCode(200)
                .body("find { it.action == 'CONSENT_REVOKED' }.detail", equalTo("merchant_id=" + MERCHANT_1.merchantId()))
                .body("find { it.action == 'CONSENT_REVOKED' }.actor", equalTo("merchant-1"));
    }

    static ValidatableResponse refresh(App app, String refreshToken) {
        return given().formParams(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", app.clientId(), "client_secret", app.secret())).when().post(LocalStack.TOKEN_URL).then();
    }

    // --- audit ---

    @Test
    void everyAdministrativeActIsAuditedWithWhoWhatWhenAndNeverASecret() {
        App app = newApp("Audited App");
        String rotated = given().auth().oauth2(consoleApp.clientCredentialsToken()).when().post(API + "/apps/" + app.id() + "/secret")
                .then().statusCode(200).extract().path("clientSecret");
        subscribe(app, "invoice");
        String consoleActor = "service-account-" + consoleApp.clientId();
        var audit = given().auth().oauth2(adminToken).queryParam("integratorId", integratorId).when().get(API + "/audit").then().statusCode(200)
                .body("find { it.action == 'INTEGRATOR_REGISTERED' }.actor", equalTo("ops-admin"))
                .body("find { it.action == 'APP_CREATED' && it.clientId == '" + app.clientId() + "' }.actor", equalTo(consoleActor))
                .body("find { it.action == 'SECRET_ROTATED' && it.clientId == '" + app.clientId() + "' }.occurredAt", notNullValue())
                .body("find { it.action == 'SUBSCRIBED' && it.clientId == '" + app.clientId() + "' }.detail", equalTo("api=invoice"))
                .extract().asString();
        assertFalse(audit.contains(app.secret()) || audit.contains(rotated) || audit.contains(consoleApp.secret()));
        given().auth().oauth2(consoleApp.clientCredentialsToken()).when().get(API + "/audit").then().statusCode(403)
                .body("error_code", equalTo("12122"));
    }

    // --- bad input and other integrators ---

    @Test
    void badInputIsRefusedWithTheErrorBody() {
        integrator();
        String token = consoleApp.clientCredentialsToken();
        given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("name", " "))
                .when().post(API + "/integrators").then().statusCode(400).body("error_code", equalTo("12101"));
        given().auth().oauth2(adminToken).contentType(ContentType.JSON).body("{\"name\": ")
                .when().post(API + "/integrators").then().statusCode(400).body("error_code", equalTo("90040"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("environment", "sandbox"))
                .when().post(API + "/integrators/" + integratorId + "/apps").then().statusCode(400)
                .body("error_code", equalTo("12101")).body("error_description", containsString("name"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("name", "x", "environment", "staging"))
                .when().post(API + "/integrators/" + integratorId + "/apps").then().statusCode(400).body("error_code", equalTo("12103"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("name", "<script>"))
                .when().post(API + "/integrators/" + integratorId + "/apps").then().statusCode(400).body("error_code", equalTo("12102"));

        App app = newApp("Duplicate Name");
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("name", "duplicate name"))
                .when().post(API + "/integrators/" + integratorId + "/apps").then().statusCode(409)
                .body("error", equalTo("DomainError")).body("error_code", equalTo("12105"));
        given().auth().oauth2(token).when().put(API + "/apps/" + app.id() + "/subscriptions/payments")
                .then().statusCode(400).body("error_code", equalTo("12106"))
                .body("error_description", containsString("invoice, invoice-usersimulation, transactionreporting"));
        given().auth().oauth2(token).when().get(API + "/apps/" + UUID.randomUUID()).then().statusCode(404).body("error_code", equalTo("12131"));
        given().auth().oauth2(token).when().get(API + "/apps/not-a-uuid").then().statusCode(404);
        given().auth().oauth2(adminToken).when().post(API + "/redirect-uris/" + UUID.randomUUID() + "/approval").then().statusCode(404)
                .body("error_code", equalTo("12132"));
        given().auth().oauth2(adminToken).when().get(API + "/integrators/no-such-integrator").then().statusCode(404)
                .body("error_code", equalTo("12130"));
    }

    @Test
    void anotherIntegratorsMerchantsAndNonAdministratorsAreRefused() {
        App app = newApp("Guarded App");
        // integrator-2's client-credentials token: another integrator
        given().auth().oauth2(otherIntegratorToken).when().get(API + "/apps/" + app.id()).then().statusCode(403)
                .body("error_code", equalTo("12121"));
        given().auth().oauth2(otherIntegratorToken).when().post(API + "/apps/" + app.id() + "/secret").then().statusCode(403)
                .body("error_code", equalTo("12121"));
        given().auth().oauth2(otherIntegratorToken).contentType(ContentType.JSON).body(Map.of("name", "Intruder"))
                .when().post(API + "/integrators/" + integratorId + "/apps").then().statusCode(403).body("error_code", equalTo("12121"));
        // a merchant's token of an integrator's app acts for the merchant, not the integrator
        given().auth().oauth2(merchantToken).when().get(API + "/apps/" + app.id()).then().statusCode(403)
                .body("error_code", equalTo("12120"));
        given().auth().oauth2(consoleApp.clientCredentialsToken()).contentType(ContentType.JSON).body(Map.of("name", "Self Made"))
                .when().post(API + "/integrators").then().statusCode(403).body("error_code", equalTo("12122"));
        given().auth().oauth2(consoleApp.clientCredentialsToken()).when().post(API + "/redirect-uris/" + UUID.randomUUID() + "/approval")
                .then().statusCode(403).body("error_code", equalTo("12122"));
        given().auth().oauth2(consoleApp.clientCredentialsToken()).when().get(API + "/consents").then().statusCode(403)
                .body("error_code", equalTo("12123"));
        given().when().get(API + "/apps/" + app.id()).then().statusCode(401).body("error_code", equalTo("90001"));
        given().auth().oauth2(adminToken).when().get(API + "/apps/" + app.id()).then().statusCode(200);
    }

    @Test
    void anAdministratorCreatesAnIntegratorUserWithATemporaryPasswordShownOnce() throws Exception {
        integrator();
        String username = "onboarding-user-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> user = Map.of("username", username, "email", username + "@example.com", "firstName", "Ona", "lastName", "Boarding");
        var created = given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(user)
                .when().post(API + "/integrators/" + integratorId + "/users").then().statusCode(201)
                .body("username", equalTo(username)).body("integratorId", equalTo(integratorId))
                .body("temporaryPassword", notNullValue()).extract();
        try {
            given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(user)
                    .when().post(API + "/integrators/" + integratorId + "/users").then().statusCode(409).body("error_code", equalTo("12108"));
            given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("username", username + "x", "email", "x@example.com", "firstName", "A"))
                    .when().post(API + "/integrators/" + integratorId + "/users").then().statusCode(400)
                    .body("error_code", equalTo("12101")).body("error_description", containsString("lastName"));
            given().auth().oauth2(consoleApp.clientCredentialsToken()).contentType(ContentType.JSON).body(user)
                    .when().post(API + "/integrators/" + integratorId + "/users").then().statusCode(403).body("error_code", equalTo("12122"));
            String audit = given().auth().oauth2(adminToken).queryParam("integratorId", integratorId).when().get(API + "/audit")
                    .then().statusCode(200).body("find { it.action == 'INTEGRATOR_USER_CREATED' }.detail", equalTo("username=" + username))
                    .extract().asString();
            assertFalse(audit.contains(created.<String>path("temporaryPassword")));
        } finally {
            RealmAdmin.deleteUser(created.path("userId"));
        }
    }

    @Test
    void aDisabledIntegratorUserGetsNoTokenAndADeletedOneIsGone() throws Exception {
        integrator();
        String username = "onboarding-user-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body(Map.of("username", username, "email", username + "@example.com", "firstName", "Dis", "lastName", "Abled"))
                .when().post(API + "/integrators/" + integratorId + "/users").then().statusCode(201).extract().path("userId");
        String users = API + "/integrators/" + integratorId + "/users";
        try {
            String password = "Known-" + UUID.randomUUID();
            RealmAdmin.setPassword(userId, password); // as the user does at the first login
            String refreshToken = userTokens(username, password).statusCode(200).extract().path("refresh_token");
            given().auth().oauth2(adminToken).when().get(users).then().statusCode(200)
                    .body("find { it.userId == '" + userId + "' }.username", equalTo(username))
                    .body("find { it.userId == '" + userId + "' }.enabled", equalTo(true));

            // disabled: no token by password, the refresh token refused at once
            given().auth().oauth2(adminToken).when().put(users + "/" + userId + "/disable").then().statusCode(200)
                    .body("userId", equalTo(userId)).body("username", equalTo(username)).body("enabled", equalTo(false));
            userTokens(username, password).statusCode(400).body("error", equalTo("invalid_grant"))
                    .body("error_description", equalTo("Account disabled"));
            given().formParams(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", INTEGRATOR_APP.clientId(),
                    "client_secret", INTEGRATOR_APP.secret())).when().post(LocalStack.TOKEN_URL).then().statusCode(400)
                    .body("error", equalTo("invalid_grant"));
            given().auth().oauth2(adminToken).when().get(users).then().statusCode(200)
                    .body("find { it.userId == '" + userId + "' }.enabled", equalTo(false));
            // enabled again: tokens again
            given().auth().oauth2(adminToken).when().put(users + "/" + userId + "/enable").then().statusCode(200).body("enabled", equalTo(true));
            userTokens(username, password).statusCode(200);

            // only an administrator, only the integrator's own users
            given().auth().oauth2(consoleApp.clientCredentialsToken()).when().put(users + "/" + userId + "/disable").then().statusCode(403)
                    .body("error_code", equalTo("12122"));
            given().auth().oauth2(consoleApp.clientCredentialsToken()).when().delete(users + "/" + userId).then().statusCode(403)
                    .body("error_code", equalTo("12122"));
            String merchantUser = claims(merchantToken).get("sub").asText();
            given().auth().oauth2(adminToken).when().put(users + "/" + merchantUser + "/disable").then().statusCode(404)
                    .body("error_code", equalTo("12134"));
            given().auth().oauth2(adminToken).when().delete(users + "/" + UUID.randomUUID()).then().statusCode(404)
                    .body("error_code", equalTo("12134"));
            userTokens(MERCHANT_1.username(), MERCHANT_1.password()).statusCode(200); // untouched

            // deleted: gone from Keycloak and from the list, its password refused
            given().auth().oauth2(adminToken).when().delete(users + "/" + userId).then().statusCode(204);
            assertFalse(RealmAdmin.userExists(userId));
            userTokens(username, password).statusCode(400).body("error", equalTo("invalid_grant"))
                    .body("error_description", equalTo("Invalid user credentials"));
            given().auth().oauth2(adminToken).when().get(users).then().statusCode(200).body("userId", not(hasItem(userId)));
            given().auth().oauth2(adminToken).when().delete(users + "/" + userId).then().statusCode(404).body("error_code", equalTo("12134"));
            given().auth().oauth2(adminToken).queryParam("integratorId", integratorId).when().get(API + "/audit").then().statusCode(200)
                    .body("findAll { it.detail == 'username=" + username + "' }.action",
                            equalTo(List.of("INTEGRATOR_USER_DELETED", "INTEGRATOR_USER_ENABLED", "INTEGRATOR_USER_DISABLED", "INTEGRATOR_USER_CREATED")))
                    .body("find { it.action == 'INTEGRATOR_USER_DELETED' }.actor", equalTo("ops-admin"));
        } finally {
            RealmAdmin.deleteUser(userId);
        }
    }

    /** The password grant of integrator-app (which allows it) for a realm user. */
    static ValidatableResponse userTokens(String username, String password) {
        return given().formParams(Map.of("grant_type", "password", "client_id", INTEGRATOR_APP.clientId(), "client_secret", INTEGRATOR_APP.secret(),
                "username", username, "password", password, "scope", "openid")).when().post(LocalStack.TOKEN_URL).then();
    }

    @Test
    void anAppWhoseCommitFailsAfterItsClientWasCreatedLeavesNoClientInKeycloak() throws Exception {
        integrator();
        String name = "Racing App " + UUID.randomUUID().toString().substring(0, 6);
        String clientPrefix = integratorId + "-" + OnboardingService.slug(name) + "-";
        // another request's app of the same name, written but not yet committed: this request's name check passes, its
        // Keycloak client is created, and its insert waits for the other transaction
        SqlConnection other = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        UUID otherApp = UUID.randomUUID();
        try {
            Transaction transaction = other.begin().await().atMost(Duration.ofSeconds(10));
            other.preparedQuery("insert into integrator_app (id, integrator_id, name, environment, client_id, keycloak_id, created_at) "
                            + "values ($1, $2, $3, 'sandbox', $4, 'none', now())")
                    .execute(Tuple.of(otherApp, integratorId, name, "other-" + otherApp)).await().atMost(Duration.ofSeconds(10));
            String token = consoleApp.clientCredentialsToken();
            CompletableFuture<ValidatableResponse> creating = CompletableFuture.supplyAsync(() -> given().auth().oauth2(token)
                    .contentType(ContentType.JSON).body(Map.of("name", name)).when().post(API + "/integrators/" + integratorId + "/apps").then());
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> pool
                    .query("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'insert into integrator_app%'")
                    .execute().await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0) > 0);
            assertEquals(1, RealmAdmin.clientIdsStartingWith(clientPrefix).size(), "the client exists while the insert waits");

            transaction.commit().await().atMost(Duration.ofSeconds(10)); // the other app wins the name
            creating.get(30, TimeUnit.SECONDS).statusCode(409).body("error_code", equalTo("12105"))
                    .body("error_description", containsString(name));
            assertEquals(List.of(), RealmAdmin.clientIdsStartingWith(clientPrefix), "the created client was deleted again");
            given().auth().oauth2(adminToken).queryParam("integratorId", integratorId).when().get(API + "/audit").then().statusCode(200)
                    .body("findAll { it.action == 'APP_CREATED' }.clientId", not(hasItem(org.hamcrest.Matchers.startsWith(clientPrefix))));
        } finally {
            pool.preparedQuery("delete from integrator_app where id = $1").execute(Tuple.of(otherApp)).await().atMost(Duration.ofSeconds(10));
            other.close().await().atMost(Duration.ofSeconds(10));
        }
    }

    @Test
    void aDuplicateIntegratorNameIsAConflict() {
        String name = "Dup Integrator " + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("name", name))
                .when().post(API + "/integrators").then().statusCode(201);
        given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("name", name.toUpperCase()))
                .when().post(API + "/integrators").then().statusCode(409).body("error_code", equalTo("12104"));
    }

    /** The same integrator or redirect URI asked for at once: the unique constraint's refusal reads as the check's 409. */
    @Test
    void identicalRegistrationsAtOnceGiveOneCreatedAndTheCheck409sNeverA500() throws Exception {
        String name = "Twin Integrator " + UUID.randomUUID().toString().substring(0, 8);
        AtOnce.assertOneCreatedRestConflicts(AtOnce.run(8, () -> given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body(Map.of("name", name)).when().post(API + "/integrators").then()), 201, "12104");

        App app = newApp("Twin Redirects");
        String token = consoleApp.clientCredentialsToken();
        AtOnce.assertOneCreatedRestConflicts(AtOnce.run(8, () -> given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("uri", "https://erp.example.com/twin")).when().post(API + "/apps/" + app.id() + "/redirect-uris").then()),
                201, "12112");
        given().auth().oauth2(adminToken).when().get(API + "/redirect-uris").then().statusCode(200)
                .body("findAll { it.appId == '" + app.id() + "' }.size()", equalTo(1));
    }
}
