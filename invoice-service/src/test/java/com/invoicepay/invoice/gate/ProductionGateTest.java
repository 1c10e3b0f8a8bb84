package com.invoicepay.invoice.gate;

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
 * The production gate on the Invoice API (issue #6): a production client is admitted only with a
 * client system and version certified for it, learnt from certification-events (the test topic).
 */
@QuarkusTest
class ProductionGateTest {
    private static final String ME = "/api/v1/merchants/me";
    private static String productionToken;
    private static String sandboxToken;

    @BeforeAll
    static void tokens() {
        productionToken = Keycloak.userToken(INTEGRATOR_APP_PROD, MERCHANT_1, "openid invoice");
        sandboxToken = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
    }

    private static RequestSpecification as(String token, LocalStack.App app) {
        return given().auth().oauth2(token)
                .header("x-ibm-client-id", app.clientId())
                .header("x-ibm-client-secret", app.secret());
    }

    private static Response production(String system, String version) {
        return as(productionToken, INTEGRATOR_APP_PROD)
                .header("X-Client-System-Name", system).header("X-Client-System-Version", version)
                .when().get(ME);
    }

    /** The gate answers 503 until it has read the topic once; wait for its first real answer. */
    private static Response productionOnceLoaded(String system, String version) {
        await().atMost(Duration.ofSeconds(30)).until(() -> production(system, version).statusCode() != 503);
        return production(system, version);
    }

    private static void refused(ValidatableResponse response, String code, String mentioned) {
        response.statusCode(403)
                .body("error_code", equalTo(code))
                .body("error", equalTo("InputError"))
                .body("error_context", equalTo("Invoices"))
                .body("correlation_id", notNullValue())
                .body("error_description", containsString(mentioned))
                .body(not(containsString("Exception")));
    }

    @Test
    void aProductionClientIsAdmittedOnlyWhileItsVersionIsCertified() {
        String system = "Gate ERP " + UUID.randomUUID().toString().substring(0, 8);
        refused(productionOnceLoaded(system, "4.2.17").then(), "90015", "'" + system + "' version 4.2.17 is not certified");

        UUID certificate = UUID.randomUUID();
        CertificationEvents.publish(certificate, INTEGRATOR_APP_PROD.clientId(), system, "4.2", CertificationChanged.VALID);
        await().atMost(Duration.ofSeconds(20)).until(() -> production(system, "4.2.17").statusCode() == 200);
        production(system, "4.2.17").then().statusCode(200).body("merchantId", equalTo(MERCHANT_1.merchantId().toString()));
        production(system, "4.2.305").then().statusCode(200); // a new build of the certified minor is covered
        refused(production(system, "4.3.0").then(), "90015", "version 4.3.0 is not certified");
        refused(production(system + "X", "4.2.17").then(), "90015", "is not certified");

        CertificationEvents.publish(certificate, INTEGRATOR_APP_PROD.clientId(), system, "4.2", CertificationChanged.RETRACTED_STATE);
        await().atMost(Duration.ofSeconds(20)).until(() -> production(system, "4.2.17").statusCode() == 403);
        refused(production(system, "4.2.17").then(), "90016", "was retracted");
    }

    @Test
    void aProductionClientWithoutVersionHeadersIsRefused() {
        refused(as(productionToken, INTEGRATOR_APP_PROD).when().get(ME).then(), "90014", "X-Client-System-Version");
    }

    @Test
    void aSandboxClientIsNotGated() {
        as(sandboxToken, INTEGRATOR_APP).when().get(ME).then().statusCode(200);
        as(sandboxToken, INTEGRATOR_APP).header("X-Client-System-Name", "Never Certified")
                .header("X-Client-System-Version", "9.9.9").when().get(ME).then().statusCode(200);
    }
}
