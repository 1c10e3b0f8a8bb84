package com.invoicepay.certification.onboarding;

import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP_2;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

/** Keycloak's admin API unreachable: creating an app is a 503 with the error body, and nothing is stored or audited. */
@QuarkusTest
@TestProfile(OnboardingKeycloakDownTest.AdminUnreachable.class)
class OnboardingKeycloakDownTest {
    public static class AdminUnreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("certification.keycloak.url", "http://127.0.0.1:9", "certification.keycloak.timeout", "2s");
        }
    }

    @Test
    void anAppIsNotCreatedWhenKeycloakIsUnreachable() {
        String admin = Keycloak.userToken(INTEGRATOR_APP_2, LocalStack.OPS_ADMIN, "openid");
        String integrator = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Keycloak Down " + UUID.randomUUID().toString().substring(0, 8)))
                .when().post("/api/v1/onboarding/integrators").then().statusCode(201).extract().path("integratorId");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "Never Created"))
                .when().post("/api/v1/onboarding/integrators/" + integrator + "/apps").then().statusCode(503)
                .body("error", equalTo("ServerError")).body("error_code", equalTo("90053"));
        given().auth().oauth2(admin).when().get("/api/v1/onboarding/integrators/" + integrator + "/apps").then().statusCode(200)
                .body("$", hasSize(0));
        given().auth().oauth2(admin).queryParam("integratorId", integrator).when().get("/api/v1/onboarding/audit").then().statusCode(200)
                .body("action", not(hasItem("APP_CREATED")));
    }
}
