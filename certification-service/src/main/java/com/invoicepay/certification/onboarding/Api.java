package com.invoicepay.certification.onboarding;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The APIs an app can subscribe to; each is the Keycloak client scope of the same name (DESIGN.md, authentication). */
public enum Api {
    INVOICE("invoice", true),
    INVOICE_USER_SIMULATION("invoice-usersimulation", false),
    TRANSACTION_REPORTING("transactionreporting", true);

    private final String scope;
    private final boolean inProduction;

    Api(String scope, boolean inProduction) {
        this.scope = scope;
        this.inProduction = inProduction;
    }

    public String scope() {
        return scope;
    }

    /** The user simulation exists only in the sandbox. */
    public boolean availableIn(Environment environment) {
        return environment == Environment.SANDBOX || inProduction;
    }

    public static Optional<Api> of(String scope) {
        return Arrays.stream(values()).filter(a -> a.scope.equals(scope)).findFirst();
    }

    public static List<String> scopes() {
        return Arrays.stream(values()).map(Api::scope).toList();
    }
}
