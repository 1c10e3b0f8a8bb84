package com.invoicepay.callback.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * callback-service's own settings (prefix {@code callback}); the platform's shared ones stay under
 * {@code invoicepay} in common's PlatformConfig.
 */
@ConfigMapping(prefix = "callback")
public interface CallbackConfig {

    /** How often pending items are flushed into batches and due batches are delivered. */
    @WithDefault("5s")
    Duration flushInterval();

    /**
     * How often the job checks whether a pass is due. A pass starts {@code flush-interval} after the
     * previous one started (not ended), so a long pass does not push the next one a whole interval away.
     */
    @WithDefault("250ms")
    Duration flushCheckInterval();

    /** Most items one callback request carries; more pending items go in the next batch. */
    @WithDefault("500")
    int batchSizeLimit();

    /** Most merchants one flush pass claims. */
    @WithDefault("200")
    int merchantsPerPass();

    /** Batches one replica prepares, sends and records at the same time (database pool: 20). */
    @WithDefault("16")
    int deliveryConcurrency();

    /** A 2xx must arrive within this; else the attempt failed. */
    @WithDefault("10s")
    Duration deliveryTimeout();

    /** Waits before the retries after the first attempt; after the last the batch is dead-lettered. */
    @WithDefault("5S,19M,39M,1H19M,2H39M,5H19M,10H39M,21H19M")
    List<Duration> retrySchedule();

    /** Sandbox only: callbacks may go to http(s)://127.0.0.1. Never in production. */
    @WithDefault("false")
    boolean allowPlainHttpLoopback();

    /**
     * Sandbox only: PEM files of the certificates callback endpoints may present over TLS (a local
     * HTTPS receiver's self-signed one). Set, they replace the JVM's trusted authorities, so it is
     * refused at startup outside sandbox mode.
     */
    Optional<List<String>> trustCertificates();

    /** Static host name overrides (name → IP literal), resolved before DNS, checked like DNS answers. */
    Map<String, String> hosts();

    /** Largest part of a response body kept in an attempt record. */
    @WithDefault("2048")
    int responseBodyLimit();

    /** During a rotation the previous signing secret keeps signing for this long. */
    @WithDefault("24h")
    Duration signingSecretOverlap();

    Encryption encryption();

    Retention retention();

    interface Retention {
        /** How often the purge runs. */
        @WithDefault("1h")
        Duration purgeInterval();

        /** Delivered and dead-lettered batches, with their items and attempts. */
        @WithDefault("30d")
        Duration batches();
    }

    interface Encryption {
        /** Key id new values are encrypted under; older ids stay readable while listed in keys. */
        String currentKeyId();

        /** Key id → base64 of a 256-bit AES key. */
        Map<String, String> keys();
    }
}
