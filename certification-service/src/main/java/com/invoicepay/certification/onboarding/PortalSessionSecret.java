package com.invoicepay.certification.onboarding;

import com.invoicepay.certification.config.CertificationConfig;
import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.web.PageSessionSecrets;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The onboarding pages' cookies are encrypted with {@code certification.portal.session-secret} (application.properties
 * hands it to the OIDC tenant {@code portal}); see {@link PageSessionSecrets}.
 */
@ApplicationScoped
public class PortalSessionSecret {

    void check(@Observes StartupEvent startup, CertificationConfig config, PlatformConfig platform) {
        PageSessionSecrets.check("certification.portal.session-secret", config.portal().sessionSecret(), platform.sandbox(),
                "the onboarding pages");
    }
}
