package com.invoicepay.report.ops;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.web.PageSessionSecrets;
import com.invoicepay.report.config.ReportConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The ops dashboard's cookies are encrypted with {@code report.ops.session-secret} (application.properties hands it to
 * the OIDC tenant {@code ops-dashboard}); see {@link PageSessionSecrets}.
 */
@ApplicationScoped
public class OpsSessionSecret {

    void check(@Observes StartupEvent startup, ReportConfig config, PlatformConfig platform) {
        PageSessionSecrets.check("report.ops.session-secret", config.ops().sessionSecret(), platform.sandbox(), "the ops dashboard");
    }
}
