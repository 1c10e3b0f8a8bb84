package com.invoicepay.invoice.rest;

import com.invoicepay.testsupport.Keycloak;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/** The limit plus one request is a 429 with Retry-After and the error body. */
@QuarkusTest
@TestProfile(RateLimitTest.LowLimit.class)
class RateLimitTest {
    public static class LowLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // 5 at once, then one every 100 s: the 6th request in a row must wait
            return Map.of("invoicepay.rate-limit.burst", "5", "invoicepay.rate-limit.requests-per-second", "0.01");
        }
    }

    @Test
    void theLimitPlusOneIs429WithRetryAfter() {
        String token = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        for (int i = 0; i < 5; i++) {
            given().auth().oauth2(token).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                    .header("x-ibm-client-secret", INTEGRATOR_APP.secret())
                    .when().get("/api/v1/merchants/me").then().statusCode(200);
        }
        String retryAfter = given().auth().oauth2(token).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret())
                .when().get("/api/v1/merchants/me").then()
                .statusCode(429)
                .body("error_code", equalTo("90029"))
                .body("error", equalTo("InputError"))
                .extract().header("Retry-After");
        org.hamcrest.MatcherAssert.assertThat(Integer.parseInt(retryAfter), greaterThanOrEqualTo(90));
    }
}
