package com.invoicepay.certification.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** The client registry (Keycloak's admin API) unreachable: a 503 with the error body, never a 500, and no run stored. */
@QuarkusTest
@TestProfile(KeycloakAdminDownTest.AdminUnreachable.class)
class KeycloakAdminDownTest {
    public static class AdminUnreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("certification.keycloak.url", "http://127.0.0.1:9", "certification.keycloak.timeout", "2s");
        }
    }

    @BeforeAll
    static void tokens() {
        CertificationRunsTest.tokens();
    }

    @Test
    void identificationAnswers503With90053WhenTheRegistryIsUnreachable() {
        CertificationRunsTest.identify(CertificationRunsTest.identification()).statusCode(503)
                .body("error", equalTo("ServerError"))
                .body("error_code", equalTo("90053"));
    }
}
