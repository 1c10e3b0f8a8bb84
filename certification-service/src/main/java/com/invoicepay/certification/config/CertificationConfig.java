package com.invoicepay.certification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Settings of certification-service (prefix {@code certification}); each default works on the local stack. */
@ConfigMapping(prefix = "certification")
public interface CertificationConfig {

    /** Classpath resource of the feature catalog this service certifies against. */
    @WithDefault("catalog/invoice-v1.json")
    String catalog();

    Keycloak keycloak();

    /** A case not judged within this time after the run's selection is FAILED with "not observed" evidence. */
    @WithDefault("PT30M")
    Duration caseTimeout();

    /** How often the clock is applied to open cases (timeouts, forbidden windows): CaseSweeper. */
    @WithDefault("5s")
    Duration sweepInterval();

    /** How often certification_runs{status} is counted in the database: RunMetrics. */
    @WithDefault("15s")
    Duration metricsInterval();

    /** How often a run's progress stream (server-sent events) reads the run's committed state. */
    @WithDefault("500ms")
    Duration progressInterval();

    Signing signing();

    /**
     * The key approved reports are signed with (Ed25519). Outside sandbox mode both are required;
     * in sandbox mode without them a key is generated once and kept in the database. Every key that
     * ever signed stays published at {@code /api/v1/certification/keys}, so a key can rotate.
     */
    interface Signing {
        /** The {@code kid} the signatures carry. */
        Optional<String> keyId();

        /** PKCS#8 of an Ed25519 private key, base64. */
        Optional<String> privateKey();
    }

    Portal portal();

    /** The onboarding pages (OIDC tenant {@code portal}, code flow). */
    interface Portal {
        /**
         * Encrypts the pages' session cookie and the code flow's state cookie (at least 32 characters). Every replica,
         * and a restarted process, must share it to read the cookies another one set. Required outside sandbox mode;
         * in sandbox mode without it each process generates its own at start (a restart logs people out).
         */
        Optional<String> sessionSecret();
    }

    Values values();

    /**
     * Where the production client of an identification is looked up: Keycloak's admin REST API
     * (clients of {@link #realm()}, their {@code environment} attribute and {@code integrator_id} claim mapper).
     */
    interface Keycloak {
        @WithDefault("http://127.0.0.1:8180")
        String url();

        @WithDefault("payments")
        String realm();

        /** The realm the admin user lives in and the client it logs in with. */
        @WithDefault("master")
        String adminRealm();

        @WithDefault("admin-cli")
        String adminClientId();

        @WithDefault("admin")
        String adminUsername();

        /** Local-stack password; set CERTIFICATION_KEYCLOAK_ADMIN_PASSWORD anywhere else. */
        @WithDefault("admin")
        String adminPassword();

        /** Bound on each call to Keycloak; slower is a 503. */
        @WithDefault("5s")
        Duration timeout();
    }

    /** Run-specific values put into the instructions. */
    interface Values {
        @WithDefault("CERT-")
        String referencePrefix();

        @WithDefault("DKK")
        String currency();

        /** Amounts are drawn between these bounds (inclusive), two decimals. */
        @WithDefault("100.00")
        String minAmount();

        @WithDefault("999.99")
        String maxAmount();
    }
}
