package com.invoicepay.common.web;

import java.util.Optional;

/**
 * Server-rendered pages behind Keycloak's code flow keep the session (the tokens) and the login's state in cookies
 * encrypted with a configured secret. Outside sandbox mode a service runs as several replicas, which must read each
 * other's cookies: it refuses to start without the secret rather than generate one per process (Quarkus' fallback).
 */
public final class PageSessionSecrets {
    public static final int MIN_LENGTH = 32;

    private PageSessionSecrets() {
    }

    /** Throws at start-up when the secret named {@code key} is missing outside sandbox mode, or too short. */
    public static void check(String key, Optional<String> secret, boolean sandbox, String pages) {
        if (secret.isEmpty() && !sandbox) {
            throw new IllegalStateException(key + " is required outside sandbox mode (the replicas of " + pages
                    + " share their session cookies through it)");
        }
        if (secret.isPresent() && secret.get().length() < MIN_LENGTH) {
            throw new IllegalStateException(key + " must be at least " + MIN_LENGTH + " characters");
        }
    }
}
