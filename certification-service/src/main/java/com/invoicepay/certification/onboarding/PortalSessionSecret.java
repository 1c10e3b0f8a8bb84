package com.invoicepay.certification.onboarding;

import com.invoicepay.certification.config.CertificationConfig;
import com.invoicepay.common.config.PlatformConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The onboarding pages' cookies are encrypted with {@code certification.portal.session-secret} (application.properties
 * hands it to the OIDC tenant {@code portal}). Outside sandbox mode the service runs as several replicas, which must
 * read each other's cookies: it refuses to start without the secret rather than generate one per process.
 */
@ApplicationScoped
public class PortalSessionSecret {
    static final int MIN_LENGTH = 32;

    void check(@Observes StartupEvent startup, CertificationConfig config, PlatformConfig platform) {
        var secret = config.portal().sessionSecret();
        if (secret.isEmpty() && !platform.sandbox()) {
            throw new IllegalStateException("certification.portal.session-secret is required outside sandbox mode "
                    + "(the onboarding pages' replicas share their session cookies through it)");
        }
        if (secret.isPresent() && secret.get().length() < MIN_LENGTH) {
            throw new IllegalStateException("certification.portal.session-secret must be at least " + MIN_LENGTH + " characters");
        }
    }
}
