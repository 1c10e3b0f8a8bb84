package com.invoicepay.invoice.service;

import com.invoicepay.common.config.PlatformConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * In sandbox mode only, makes sure the ready-to-use sandbox of {@code sandbox/seed.sql} exists
 * (issuers of both merchants, test consumers and cards). Runs after Flyway; idempotent.
 * Not a Flyway migration because the migration locations are fixed when the app is built, and the
 * same build runs in production.
 */
@ApplicationScoped
public class SandboxSeed {
    private static final Logger LOG = Logger.getLogger(SandboxSeed.class);

    void seed(@Observes StartupEvent startup, PlatformConfig config, Pool pool) {
        if (!config.sandbox()) {
            return;
        }
        // startup may block: the app is not serving yet
        pool.query(read()).execute().await().atMost(Duration.ofSeconds(30));
        LOG.info("Sandbox seed present: issuers, test consumers and cards of sandbox/seed.sql");
    }

    private static String read() {
        try (InputStream in = SandboxSeed.class.getResourceAsStream("/sandbox/seed.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
