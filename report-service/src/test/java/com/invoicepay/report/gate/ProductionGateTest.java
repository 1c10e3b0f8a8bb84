package com.invoicepay.report.gate;

import com.invoicepay.common.events.CertificationChanged;
import com.invoicepay.testsupport.CertificationEvents;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP_PROD;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The production gate on the Transaction Reporting API (issue #6): a production client is admitted
 * only with a client system and version certified for it, learnt from certification-events (the test
 * topic); refusals are reporting.yaml's Error body.
 */
@QuarkusTest
class ProductionGateTest {
    private static final String POINTS = "/v3/reporting/paymentpoints";
    private static String productionToken;
    private static String sandboxToken;

    @BeforeAll
    static void tokens() {
        productionToken = Keycloak.userToken(INTEGRATOR_APP_PROD, MERCHANT_1, "openid transactionreporting");
        sandboxToken = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid transactionreporting");
    }

    private static RequestSpecification as(String token, LocalStack.App app) {
        return given().auth().oauth2(token)
                .header("x-ibm-client-id", app.clientId())
                .header("x-ibm-client-secret", app.secret());
    }

    private static Response production(String system, String version) {
        return as(productionToken, INTEGRATOR_APP_PROD)
                .header("X-Client-System-Name", system).header("X-Client-System-Version", version)
                .when().get(POINTS);
    }

    private static void refused(ValidatableResponse response, String code, String mentioned) {
        response.statusCode(403)
                .body("code", equalTo(code))
                .body("message", containsString(mentioned))
                .body("correlationId", notNullValue())
                .body(not(containsString("Exception")));
    }

    @Test
    void aProductionClientIsAdmittedOnlyWhileItsVersionIsCertified() {
        String system = "Gate Books " + UUID.randomUUID().toString().substring(0, 8);
        // the gate answers 503 until it has read the topic once
        await().atMost(Duration.ofSeconds(30)).until(() -> production(system, "1.0.4").statusCode() != 503);
        refused(production(system, "1.0.4").then(), "90015", "'" + system + "' version 1.0.4 is not certified");

        UUID certificate = UUID.randomUUID();
        CertificationEvents.publish(certificate, INTEGRATOR_APP_PROD.clientId(), system, "1.0", CertificationChanged.VALID);
        await().atMost(Duration.ofSeconds(20)).until(() -> production(system, "1.0.4").statusCode() == 200);
        production(system, "1.0.4").then().statusCode(200).body("paymentPoints", notNullValue());
        production(system, "1.0.12").then().statusCode(200); // a new build of the certified minor is covered
        refused(production(system, "1.1.0").then(), "90015", "version 1.1.0 is not certified");
        refused(production(system, "2.0.4").then(), "90015", "version 2.0.4 is not certified");

        CertificationEvents.publish(certificate, INTEGRATOR_APP_PROD.clientId(), system, "1.0", CertificationChanged.RETRACTED_STATE);
        await().atMost(Duration.ofSeconds(20)).until(() -> production(system, "1.0.4").statusCode() == 403);
        refused(production(system, "1.0.4").then(), "90016", "was retracted");
    }

    @Test
    void aProductionClientWithoutVersionHeadersIsRefused() {
        refused(as(productionToken, INTEGRATOR_APP_PROD).when().get(POINTS).then(), "90014", "X-Client-System-Name");
    }

    @Test
    void aSandboxClientIsNotGated() {
        as(sandboxToken, INTEGRATOR_APP).when().get(POINTS).then().statusCode(200);
    }
}
