package com.invoicepay.certification.rest;

import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP_2;
import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP_PROD;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steps 1 and 2 of self-certification against the real Keycloak and PostgreSQL (RULES.md). */
@QuarkusTest
class CertificationRunsTest {
    static final String RUNS = "/api/v1/certification/runs";
    static String sandboxToken, sandbox2Token, productionToken, adminToken;

    @BeforeAll
    static void tokens() {
        sandboxToken = clientToken(INTEGRATOR_APP);
        sandbox2Token = clientToken(INTEGRATOR_APP_2);
        productionToken = clientToken(INTEGRATOR_APP_PROD);
        adminToken = Keycloak.userToken(INTEGRATOR_APP_2, LocalStack.OPS_ADMIN, "openid");
    }

    static String clientToken(LocalStack.App app) {
        return Keycloak.token(Map.of("grant_type", "client_credentials", "client_id", app.clientId(),
                "client_secret", app.secret())).get("access_token").asText();
    }

    static Map<String, Object> identification() {
        Map<String, Object> body = new HashMap<>();
        body.put("integratorId", "integrator-1");
        body.put("sandboxClientId", "integrator-app");
        body.put("productionClientId", "integrator-app-prod");
        body.put("clientSystemName", "Acme ERP");
        body.put("clientVersion", "2.3.17");
        body.put("accessToken", sandboxToken);
        return body;
    }

    static ValidatableResponse identify(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post(RUNS).then();
    }

    static void refused(Map<String, Object> body, String code, String field) {
        identify(body).statusCode(400)
                .body("error", equalTo("InputError"))
                .body("error_code", equalTo(code))
                .body("error_description", containsString(field))
                .body("correlation_id", notNullValue());
    }

    static String newRun() {
        return identify(identification()).statusCode(201).extract().path("id");
    }

    // --- step 1: identification ---

    @Test
    void aValidIdentificationIsStoredAsIdentifiedAndAnswered201() {
        var created = identify(identification()).statusCode(201)
                .header("Location", containsString(RUNS + "/"))
                .body("status", equalTo("IDENTIFIED"))
                .body("integratorId", equalTo("integrator-1"))
                .body("sandboxClientId", equalTo("integrator-app"))
                .body("productionClientId", equalTo("integrator-app-prod"))
                .body("clientSystemName", equalTo("Acme ERP"))
                .body("clientVersion", equalTo("2.3.17"))
                .body("majorMinor", equalTo("2.3"))
                .body("catalogVersion", equalTo("invoice-v1"))
                .body("cases", hasSize(0))
                .extract();
        String id = created.path("id");
        given().auth().oauth2(sandboxToken).when().get(RUNS + "/" + id).then().statusCode(200)
                .body("id", equalTo(id)).body("status", equalTo("IDENTIFIED"));
    }

    /** Operations (issue #8): runs by status are a metric; the count follows the database. */
    @Test
    void runsByStatusAreCountedForTheDashboard() {
        double before = identifiedRuns();
        identify(identification()).statusCode(201);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .until(() -> identifiedRuns() >= before + 1);
    }

    static double identifiedRuns() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        var m = java.util.regex.Pattern.compile("(?m)^certification_runs\\{[^}]*status=\"IDENTIFIED\"[^}]*} ([0-9.E+]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void aMissingFieldIs12001NamingIt() {
        for (String field : List.of("integratorId", "sandboxClientId", "productionClientId", "clientSystemName",
                "clientVersion", "accessToken")) {
            Map<String, Object> body = identification();
            body.remove(field);
            refused(body, "12001", field);
            body.put(field, "  ");
            refused(body, "12001", field);
        }
    }

    @Test
    void aMalformedVersionIs12002NamingClientVersion() {
        for (String version : List.of("2.3", "2.3.x", "v2.3.17", "02.3.1", "1.2.3.4")) {
            Map<String, Object> body = identification();
            body.put("clientVersion", version);
            refused(body, "12002", "clientVersion");
        }
    }

    @Test
    void aMalformedSystemNameOrIdIs12003NamingTheField() {
        Map<String, Object> body = identification();
        body.put("clientSystemName", "Acme <script>");
        refused(body, "12003", "clientSystemName");
        body = identification();
        body.put("integratorId", "integrator 1/../x");
        refused(body, "12003", "integratorId");
    }

    @Test
    void aGarbageTokenIs12010NamingAccessToken() {
        Map<String, Object> body = identification();
        body.put("accessToken", "not-a-token");
        refused(body, "12010", "accessToken");
    }

    @Test
    void aTokenWithAChangedPayloadIs12010() {
        // an "expired-like" token: the payload's exp moved, so the signature no longer matches
        String[] parts = sandboxToken.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replaceFirst("\"exp\":\\d+", "\"exp\":4102444800");
        Map<String, Object> body = identification();
        body.put("accessToken", parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        refused(body, "12010", "accessToken");
    }

    @Test
    void aTokenOfAnotherRealmIs12010() {
        String masterToken = masterAdminToken();
        Map<String, Object> body = identification();
        body.put("accessToken", masterToken);
        refused(body, "12010", "accessToken");
    }

    @Test
    void anIdTokenInsteadOfAnAccessTokenIs12010() {
        String idToken = Keycloak.token(Map.of("grant_type", "password", "client_id", INTEGRATOR_APP.clientId(),
                "client_secret", INTEGRATOR_APP.secret(), "username", LocalStack.MERCHANT_1.username(),
                "password", LocalStack.MERCHANT_1.password(), "scope", "openid")).get("id_token").asText();
        Map<String, Object> body = identification();
        body.put("accessToken", idToken);
        identify(body).statusCode(400).body("error_code", equalTo("12010"))
                .body("error_description", containsString("not an access token"));
    }

    @Test
    void aMerchantUsersAccessTokenOfTheSandboxClientIsAccepted() {
        // the token of the client's merchant session (authorization-code or password grant) proves the client too
        Map<String, Object> body = identification();
        body.put("accessToken", Keycloak.userToken(INTEGRATOR_APP, LocalStack.MERCHANT_1, "openid invoice"));
        identify(body).statusCode(201).body("status", equalTo("IDENTIFIED"));
    }

    @Test
    void anotherClientsTokenIs12011NamingSandboxClientId() {
        Map<String, Object> body = identification();
        body.put("accessToken", sandbox2Token);
        refused(body, "12011", "sandboxClientId");
    }

    @Test
    void aWrongIntegratorIs12012NamingIntegratorId() {
        Map<String, Object> body = identification();
        body.put("integratorId", "integrator-2");
        refused(body, "12012", "integratorId");
    }

    @Test
    void aProductionClientsTokenAsSandboxClientIs12013() {
        Map<String, Object> body = identification();
        body.put("sandboxClientId", "integrator-app-prod");
        body.put("accessToken", productionToken);
        refused(body, "12013", "sandboxClientId");
    }

    @Test
    void anUnknownProductionClientIs12015NamingProductionClientId() {
        Map<String, Object> body = identification();
        body.put("productionClientId", "no-such-client");
        refused(body, "12015", "productionClientId");
    }

    @Test
    void aSandboxClientAsProductionClientIs12016() {
        Map<String, Object> body = identification();
        body.put("productionClientId", "integrator-consent-app");
        refused(body, "12016", "productionClientId");
    }

    @Test
    void theProductionClientOfAnotherIntegratorIs12017() {
        Map<String, Object> body = identification();
        body.put("integratorId", "integrator-2");
        body.put("sandboxClientId", "integrator-app-2");
        body.put("accessToken", sandbox2Token);
        refused(body, "12017", "productionClientId");
    }

    @Test
    void malformedJsonIs90040NeverA500() {
        given().contentType(ContentType.JSON).body("{\"integratorId\": ").when().post(RUNS).then()
                .statusCode(400).body("error_code", equalTo("90040"));
        given().contentType(ContentType.JSON).body("{\"clientVersion\": {\"a\": 1}}").when().post(RUNS).then()
                .statusCode(400).body("error_code", equalTo("90040")).body("error_description", containsString("clientVersion"));
    }

    // --- step 2: selection ---

    @Test
    void theCatalogListsTheFeaturesWithOnboardingMandatoryAndAssertions() {
        given().when().get("/api/v1/certification/catalog").then().statusCode(200)
                .body("version", equalTo("invoice-v1"))
                .body("features.id", contains("Onboarding", "InvoiceDirect", "InvoiceLink", "Cancel",
                        "DirectInvoiceConsent", "Callbacks", "Reconciliation"))
                .body("features.find { it.id == 'Onboarding' }.mandatory", equalTo(true))
                .body("features.findAll { it.id != 'Onboarding' }.mandatory", everyItem(equalTo(false)))
                .body("features.find { it.id == 'InvoiceDirect' }.cases[0].assertions[0].route",
                        equalTo("/api/v1/merchants/{merchantId}/invoices"))
                .body("features.find { it.id == 'InvoiceDirect' }.cases[0].assertions[0].values.totalAmount", equalTo("${amount}"))
                .body("features.find { it.id == 'Cancel' }.cases[1].assertions[1].kind", equalTo("forbidden"))
                .body("features.find { it.id == 'Cancel' }.cases[1].assertions[1].maxRepeats", equalTo(3));
    }

    @Test
    void selectionForcesOnboardingInAndFillsTheRunsValuesIntoTheCases() {
        String id = newRun();
        var run = given().auth().oauth2(sandboxToken).contentType(ContentType.JSON)
                .body(Map.of("features", List.of("InvoiceDirect", "Cancel")))
                .when().put(RUNS + "/" + id + "/features").then().statusCode(200)
                .body("status", equalTo("SELECTED"))
                .body("features", contains("Onboarding", "InvoiceDirect", "Cancel"))
                .body("cases.feature", hasItems("Onboarding", "InvoiceDirect", "Cancel"))
                .body("cases.feature", not(hasItem("InvoiceLink")))
                .body("cases.status", everyItem(equalTo("PENDING")))
                .body("values.paymentReference", matchesPattern("CERT-[0-9A-F]{4}"))
                .body("values.currency", equalTo("DKK"))
                .extract();
        String reference = run.path("values.paymentReference");
        // as the instruction writes it, two decimals (JsonPath would read the number 746.40 as 746.4)
        String amount = new java.math.BigDecimal(run.jsonPath().getString("values.amount")).setScale(2).toPlainString();
        String invoiceNumber = run.path("values.invoiceNumber");
        String instruction = run.path("cases.find { it.id == 'invoicedirect-create' }.instruction");
        assertTrue(instruction.contains(amount + " DKK") && instruction.contains(reference) && instruction.contains(invoiceNumber), instruction);
        given().auth().oauth2(sandboxToken).when().get(RUNS + "/" + id).then().statusCode(200)
                .body("status", equalTo("SELECTED"))
                .body("cases.find { it.id == 'invoicedirect-create' }.assertions[0].values.paymentReference", equalTo(reference))
                .body("cases.find { it.id == 'invoicedirect-create' }.assertions[0].values.totalAmount", equalTo(amount))
                .body("values.amount", equalTo(Float.valueOf(amount)))
                .body("cases.find { it.id == 'invoicedirect-create' }.assertions[0].status", equalTo(200));
    }

    @Test
    void anEmptySelectionIsOnboardingOnlyAndReselectionReplacesTheCases() {
        String id = newRun();
        given().auth().oauth2(sandboxToken).contentType(ContentType.JSON).body(Map.of("features", List.of("Callbacks")))
                .when().put(RUNS + "/" + id + "/features").then().statusCode(200)
                .body("features", contains("Onboarding", "Callbacks"));
        given().auth().oauth2(sandboxToken).contentType(ContentType.JSON).body(Map.of("features", List.of()))
                .when().put(RUNS + "/" + id + "/features").then().statusCode(200)
                .body("features", contains("Onboarding"))
                .body("cases.feature", everyItem(equalTo("Onboarding")));
    }

    @Test
    void anUnknownFeatureIs12020NamingItAndChangesNothing() {
        String id = newRun();
        given().auth().oauth2(sandboxToken).contentType(ContentType.JSON)
                .body(Map.of("features", List.of("InvoiceDirect", "Loyalty")))
                .when().put(RUNS + "/" + id + "/features").then().statusCode(400)
                .body("error_code", equalTo("12020"))
                .body("error_description", containsString("features[1] 'Loyalty'"));
        given().auth().oauth2(sandboxToken).when().get(RUNS + "/" + id).then().statusCode(200)
                .body("status", equalTo("IDENTIFIED")).body("cases", hasSize(0));
    }

    @Test
    void aSelectionWithoutFeaturesIs12001() {
        String id = newRun();
        given().auth().oauth2(sandboxToken).contentType(ContentType.JSON).body(Map.of("other", 1))
                .when().put(RUNS + "/" + id + "/features").then().statusCode(400)
                .body("error_code", equalTo("12001")).body("error_description", containsString("features"));
    }

    @Test
    void runSpecificValuesDifferBetweenTwoRuns() {
        var first = identify(identification()).statusCode(201).extract();
        var second = identify(identification()).statusCode(201).extract();
        assertNotEquals(first.path("id"), (Object) second.path("id"));
        assertNotEquals(first.path("values.paymentReference"), (Object) second.path("values.paymentReference"));
        assertNotEquals(first.path("values.invoiceNumber"), (Object) second.path("values.invoiceNumber"));
    }

    // --- who may read and change a run ---

    @Test
    void aRunNeedsABearerTokenOfItsIntegratorOrAnAdministrator() {
        String id = newRun();
        given().when().get(RUNS + "/" + id).then().statusCode(401).body("error_code", equalTo("90001"));
        given().auth().oauth2(sandbox2Token).when().get(RUNS + "/" + id).then().statusCode(403)
                .body("error_code", equalTo("12043"));
        given().auth().oauth2(sandbox2Token).contentType(ContentType.JSON).body(Map.of("features", List.of()))
                .when().put(RUNS + "/" + id + "/features").then().statusCode(403).body("error_code", equalTo("12043"));
        // the production client of the same integrator may follow its run too
        given().auth().oauth2(productionToken).when().get(RUNS + "/" + id).then().statusCode(200);
        given().auth().oauth2(adminToken).when().get(RUNS + "/" + id).then().statusCode(200);
    }

    @Test
    void anUnknownRunIs404With12044() {
        given().auth().oauth2(sandboxToken).when().get(RUNS + "/6f1c1f4e-0000-4000-8000-000000000000").then()
                .statusCode(404).body("error_code", equalTo("12044"));
        given().auth().oauth2(sandboxToken).contentType(ContentType.JSON).body(Map.of("features", List.of()))
                .when().put(RUNS + "/6f1c1f4e-0000-4000-8000-000000000000/features").then()
                .statusCode(404).body("error_code", equalTo("12044"));
    }

    static String masterAdminToken() {
        return given().formParams(Map.of("grant_type", "password", "client_id", "admin-cli",
                        "username", LocalStack.KEYCLOAK_ADMIN, "password", LocalStack.KEYCLOAK_ADMIN_PASSWORD))
                .when().post(LocalStack.KEYCLOAK + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }
}
