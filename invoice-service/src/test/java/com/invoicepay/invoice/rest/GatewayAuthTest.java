package com.invoicepay.invoice.rest;

import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP_2;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

/** The gateway of seed 004 against the real Keycloak: token, client id and secret, scope, merchant. */
@QuarkusTest
class GatewayAuthTest {
    private static final String ME = "/api/v1/merchants/me";
    private static String merchant1Token;

    @BeforeAll
    static void tokens() {
        merchant1Token = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
    }

    private static RequestSpecification as(String token, LocalStack.App app) {
        return given().auth().oauth2(token)
                .header("x-ibm-client-id", app.clientId())
                .header("x-ibm-client-secret", app.secret());
    }

    private static void isError(ValidatableResponse response, int status, String code) {
        response.statusCode(status)
                .body("error_code", equalTo(code))
                .body("error", equalTo("InputError"))
                .body("error_context", equalTo("Invoices"))
                .body("correlation_id", notNullValue())
                .body("error_description", notNullValue())
                .body(not(containsString("Exception")));
    }

    @Test
    void rightTokenClientIdAndSecretAnswer200WithTheTokensMerchant() {
        as(merchant1Token, INTEGRATOR_APP).when().get(ME).then()
                .statusCode(200)
                .body("merchantId", equalTo(MERCHANT_1.merchantId().toString()));
    }

    @Test
    void theMerchantsOwnPathIsServed() {
        as(merchant1Token, INTEGRATOR_APP).when().get("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoiceissuers")
                .then().statusCode(200).body("invoiceIssuers", notNullValue());
    }

    @Test
    void noTokenIs401() {
        isError(given().header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret()).when().get(ME).then(), 401, "90001");
    }

    @Test
    void aForgedTokenIs401() {
        String forged = merchant1Token.substring(0, merchant1Token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
        isError(as(forged, INTEGRATOR_APP).when().get(ME).then(), 401, "90001");
    }

    @Test
    void missingClientSecretHeaderIs401() {
        isError(given().auth().oauth2(merchant1Token).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .when().get(ME).then(), 401, "90002");
    }

    @Test
    void wrongSecretIs401() {
        isError(as(merchant1Token, new LocalStack.App(INTEGRATOR_APP.clientId(), "not-the-secret")).when().get(ME).then(),
                401, "90004");
    }

    @Test
    void anotherAppsClientIdWithThisAppsTokenIs401() {
        isError(as(merchant1Token, INTEGRATOR_APP_2).when().get(ME).then(), 401, "90003");
    }

    @Test
    void anotherMerchantsPathIs403BeforeAnyLookup() {
        isError(as(merchant1Token, INTEGRATOR_APP).when()
                .get("/api/v1/merchants/" + MERCHANT_2.merchantId() + "/invoiceissuers").then(), 403, "90012");
        isError(as(merchant1Token, INTEGRATOR_APP).when()
                .get("/api/v1/merchants/not-a-uuid/invoiceissuers").then(), 403, "90012");
    }

    @Test
    void tokenWithoutTheInvoiceScopeIs403() {
        String reportingOnly = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid transactionreporting");
        isError(as(reportingOnly, INTEGRATOR_APP).when().get(ME).then(), 403, "90010");
    }

    @Test
    void tokenWithoutMerchantIs403() {
        String serviceAccount = Keycloak.token(java.util.Map.of("grant_type", "client_credentials",
                "client_id", INTEGRATOR_APP.clientId(), "client_secret", INTEGRATOR_APP.secret(),
                "scope", "invoice")).get("access_token").asText();
        isError(as(serviceAccount, INTEGRATOR_APP).when().get(ME).then(), 403, "90011");
    }

    @Test
    void malformedClientVersionIs400NamingTheHeader() {
        isError(as(merchant1Token, INTEGRATOR_APP).header("X-Client-System-Name", "ShopSys")
                .header("X-Client-System-Version", "1.2").when().get(ME).then(), 400, "90020");
        as(merchant1Token, INTEGRATOR_APP).header("X-Client-System-Name", "ShopSys")
                .header("X-Client-System-Version", "1.2").when().get(ME).then()
                .body("error_description", containsString("X-Client-System-Version"));
        as(merchant1Token, INTEGRATOR_APP).header("X-Client-System-Name", "ShopSys")
                .header("X-Client-System-Version", "1.2.3").when().get(ME).then().statusCode(200);
    }

    @Test
    void theCallersCorrelationIdIsEchoedAndAFreshOneIsMadeOtherwise() {
        given().header("CorrelationId", "abc-123").when().get(ME).then()
                .statusCode(401).header("CorrelationId", "abc-123").body("correlation_id", equalTo("abc-123"));
        given().header("CorrelationId", "bad\tid<script>").when().get(ME).then()
                .statusCode(401).body("correlation_id", matchesPattern("[0-9a-f-]{36}"));
    }

    /**
     * A copy of integrator-app gets a secret, is used (and cached), then Keycloak rotates the secret:
     * the old one still works inside the cache period (3 s in tests, 60 s by default) and is refused
     * after it; the new one works at once.
     */
    @Test
    void aTokenWhoseSessionWasLoggedOutIsRefusedWhileTheAppsOtherTokensAreServed() {
        as(merchant1Token, INTEGRATOR_APP).when().get(ME).then().statusCode(200); // the app's id and secret are trusted now
        var session = Keycloak.token(java.util.Map.of("grant_type", "password", "client_id", INTEGRATOR_APP.clientId(),
                "client_secret", INTEGRATOR_APP.secret(), "username", MERCHANT_1.username(), "password", MERCHANT_1.password(),
                "scope", "openid invoice"));
        given().formParam("client_id", INTEGRATOR_APP.clientId()).formParam("client_secret", INTEGRATOR_APP.secret())
                .formParam("refresh_token", session.path("refresh_token").asText())
                .when().post(LocalStack.TOKEN_URL.replace("/token", "/logout")).then().statusCode(204);

        isError(as(session.path("access_token").asText(), INTEGRATOR_APP).when().get(ME).then(), 401, "90001");
        as(merchant1Token, INTEGRATOR_APP).when().get(ME).then().statusCode(200);
    }

    @Test
    void aRotatedSecretIsRefusedOnceTheCachePeriodHasPassed() {
        Keycloak.Admin admin = new Keycloak.Admin();
        String clientId = "rotation-test-" + UUID.randomUUID();
        String internalId = admin.copyClient(INTEGRATOR_APP.clientId(), clientId, "first-secret");
        try {
            LocalStack.App before = new LocalStack.App(clientId, "first-secret");
            String token = Keycloak.userToken(before, MERCHANT_1, "openid invoice");
            as(token, before).when().get(ME).then().statusCode(200);

            String newSecret = admin.regenerateSecret(internalId);
            as(token, before).when().get(ME).then().statusCode(200); // still inside the cache period

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    as(token, before).when().get(ME).then().statusCode(401).body("error_code", is("90004")));
            as(token, new LocalStack.App(clientId, newSecret)).when().get(ME).then().statusCode(200);
        } finally {
            admin.deleteClient(internalId);
        }
    }
}
