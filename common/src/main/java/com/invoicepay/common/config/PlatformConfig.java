package com.invoicepay.common.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Settings every service shares; each has a default that works on the local stack. */
@ConfigMapping(prefix = "invoicepay")
public interface PlatformConfig {

    /** Name of this service, used as the event {@code source} and the error {@code origin}. */
    String serviceName();

    /** Sandbox mode: the movable clock and the user simulation exist only here. */
    @WithDefault("false")
    boolean sandbox();

    /** Prefix of every Kafka topic name; "test-" in tests so they never touch the running stack's topics. */
    Optional<String> topicPrefix();

    Api api();

    Gateway gateway();

    RateLimit rateLimit();

    Outbox outbox();

    Gate gate();

    Retention retention();

    /** How long the tables every service has keep their rows (common's EventTablesPurge). */
    interface Retention {
        /** The periodic purge; {@code EventTablesPurge.purgeNow()} works either way. */
        @WithDefault("true")
        boolean enabled();

        /** How often the purge runs. */
        @WithDefault("1h")
        Duration purgeInterval();

        /** Outbox rows already published: kept a while for tracing and support, then purged. */
        @WithDefault("7d")
        Duration outbox();

        /** Dedup rows of consumed events: far beyond any redelivery (topics keep records 7 days). */
        @WithDefault("14d")
        Duration processedEvents();
    }

    interface Gate {
        /**
         * The production gate (issue #6): production clients must send a certified client system
         * and version. On in the services that serve integrators' production traffic.
         */
        @WithDefault("false")
        boolean enabled();
    }

    interface Outbox {
        /** Only services that publish have the outbox_event table and turn the relay on. */
        @WithDefault("false")
        boolean enabled();

        @WithDefault("500")
        int batchSize();

        /** A pass also runs at once when an event is added; this is the fallback tick. */
        @WithDefault("1000")
        long pollIntervalMs();

        /** Crash-test hook: none, halt-before-publish or halt-after-publish. Never set in production. */
        @WithDefault("none")
        String fault();
    }

    interface Api {
        /** Which error body this service's API speaks: {@code invoice} (snake_case) or {@code reporting}. */
        @WithDefault("invoice")
        ErrorStyle errorStyle();

        /** The {@code error_context} of this API's errors, as the original's "Invoices". */
        @WithDefault("Invoices")
        String errorContext();

        /** Largest request body accepted: a batch of 2 000 invoices fits in well under half of it. */
        @WithDefault("10485760")
        long maxBodyBytes();
    }

    enum ErrorStyle { invoice, reporting }

    interface Gateway {
        /**
         * How long a positive check of an {@code x-ibm-client-id}/{@code x-ibm-client-secret} pair is
         * trusted. Values above 60 s are cut to 60 s: a rotated secret must stop working within a minute.
         */
        @WithDefault("60s")
        Duration credentialCacheTtl();

        /** Keycloak's token introspection endpoint, used to check a client id and secret pair. */
        String introspectionUrl();

        /** Bound on the credential check; Keycloak slower than this is a 503. */
        @WithDefault("5s")
        Duration checkTimeout();
    }

    interface RateLimit {
        @WithDefault("true")
        boolean enabled();

        /** Sustained requests per second allowed per client and merchant. */
        @WithDefault("50")
        double requestsPerSecond();

        /** Requests allowed in a burst above the sustained rate. */
        @WithDefault("100")
        int burst();
    }
}
