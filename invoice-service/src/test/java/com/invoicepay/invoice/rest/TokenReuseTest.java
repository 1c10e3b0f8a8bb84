package com.invoicepay.invoice.rest;

import com.invoicepay.testsupport.Keycloak;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * common's VerifiedTokens: a token verified once is accepted again without a second signature check,
 * each token keeps its own identity, and a token altered after one was remembered is still refused.
 */
@QuarkusTest
class TokenReuseTest {
    @Inject
    MeterRegistry metrics;

    @Test
    void aReusedTokenIsVerifiedOnceAndKeepsItsOwnMerchant() {
        String first = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        String second = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_2, "openid invoice");
        double checked = count("checked");
        double cached = count("cached");
        for (int i = 0; i < 3; i++) {
            me(first).statusCode(200).body("merchantId", equalTo(MERCHANT_1.merchantId().toString()));
            me(second).statusCode(200).body("merchantId", equalTo(MERCHANT_2.merchantId().toString()));
        }
        assertEquals(2, count("checked") - checked, "each token's signature checked once");
        assertEquals(4, count("cached") - cached, "the repeats answered from what was verified");
    }

    @Test
    void aTokenWithAnAlteredSignatureIsRefusedEvenAfterTheGenuineOneWasRemembered() {
        String token = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        me(token).statusCode(200);
        int dot = token.lastIndexOf('.');
        char last = token.charAt(dot + 1);
        String forged = token.substring(0, dot + 1) + (last == 'A' ? 'B' : 'A') + token.substring(dot + 2);
        me(forged).statusCode(401);
        me(token).statusCode(200);
    }

    private io.restassured.response.ValidatableResponse me(String token) {
        return given().auth().oauth2(token).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret())
                .when().get("/api/v1/merchants/me").then();
    }

    private double count(String outcome) {
        var counter = metrics.find("gateway_token_verifications").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
