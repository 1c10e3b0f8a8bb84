package com.invoicepay.testsupport;

import java.util.UUID;

/**
 * The names of the local stack (DESIGN.md "Local stack conventions" and deploy/keycloak): local-only
 * secrets, listed in README.md, that tests use to obtain real tokens.
 */
public final class LocalStack {
    public static final String KEYCLOAK = "http://127.0.0.1:8180";
    public static final String REALM = "payments";
    public static final String TOKEN_URL = KEYCLOAK + "/realms/" + REALM + "/protocol/openid-connect/token";

    public static final String KEYCLOAK_ADMIN = "admin";
    public static final String KEYCLOAK_ADMIN_PASSWORD = "admin";

    public static final App INTEGRATOR_APP = new App("integrator-app", "integrator-app-secret");
    public static final App INTEGRATOR_APP_2 = new App("integrator-app-2", "integrator-app-2-secret");
    public static final App INTEGRATOR_APP_PROD = new App("integrator-app-prod", "integrator-app-prod-secret");

    public static final User MERCHANT_1 = new User("merchant-1", "merchant-1-password",
            UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"));
    public static final User MERCHANT_2 = new User("merchant-2", "merchant-2-password",
            UUID.fromString("9b2f4a8e-3c1d-4e5f-8a6b-0d7c2e1f3a4b"));
    public static final User OPS_ADMIN = new User("ops-admin", "ops-admin-password", null);

    public record App(String clientId, String secret) {
    }

    public record User(String username, String password, UUID merchantId) {
    }

    private LocalStack() {
    }
}
