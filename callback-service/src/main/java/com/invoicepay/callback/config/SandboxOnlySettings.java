package com.invoicepay.callback.config;

import com.invoicepay.common.config.PlatformConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Refuses to start a non-sandbox service that would call back plain HTTP on loopback. */
@ApplicationScoped
public class SandboxOnlySettings {
    void check(@Observes StartupEvent startup, CallbackConfig config, PlatformConfig platform) {
        if (config.allowPlainHttpLoopback() && !platform.sandbox()) {
            throw new IllegalStateException("callback.allow-plain-http-loopback=true is for sandbox mode only (invoicepay.sandbox=false)");
        }
        if (config.trustCertificates().isPresent() && !platform.sandbox()) {
            throw new IllegalStateException("callback.trust-certificates is for sandbox mode only (invoicepay.sandbox=false)");
        }
    }
}
