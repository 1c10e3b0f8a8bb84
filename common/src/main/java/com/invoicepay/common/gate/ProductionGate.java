package com.invoicepay.common.gate;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.gateway.ClientVersion;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import com.invoicepay.common.web.PlatformErrors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;

/**
 * Admits a production client's call only from a certified client system and version (DESIGN.md
 * "Authentication of API calls", issue #6); sandbox clients are never gated. Asked by the gateway
 * after it has authenticated the caller, in the services where {@code invoicepay.gate.enabled}.
 */
@ApplicationScoped
public class ProductionGate {
    public static final String PRODUCTION = "production";
    private static final String RETRY_AFTER_SECONDS = "5";

    @Inject
    PlatformConfig config;
    @Inject
    CertificationProjection projection;

    /** Returns when the call may go on; otherwise throws the refusal (403, or 503 while certificates are being read). */
    public void admit(String clientId, String environment, Optional<ClientVersion> declared) {
        if (!config.gate().enabled() || !PRODUCTION.equals(environment)) {
            return;
        }
        if (declared.isEmpty()) {
            throw forbidden(PlatformErrors.CLIENT_VERSION_REQUIRED, "Production client " + clientId + " must send "
                    + ClientVersion.NAME_HEADER + " and " + ClientVersion.VERSION_HEADER + " (Major.Minor.Build) of a certified client version.");
        }
        if (!projection.caughtUp()) {
            throw new ApiException(503, ErrorKind.ServerError, PlatformErrors.DEPENDENCY_UNAVAILABLE,
                    "Certificates are still being loaded; retry shortly.", Map.of("Retry-After", RETRY_AFTER_SECONDS));
        }
        ClientVersion version = declared.get();
        switch (projection.certificates().standing(clientId, version)) {
            case CERTIFIED -> {
            }
            case RETRACTED -> throw forbidden(PlatformErrors.CERTIFICATE_RETRACTED, "The certificate of client system '"
                    + version.systemName() + "' version " + version.majorMinor() + " for production client " + clientId
                    + " was retracted; version " + version.version() + " needs a new certification.");
            case NOT_CERTIFIED -> throw forbidden(PlatformErrors.CLIENT_VERSION_NOT_CERTIFIED, "Client system '"
                    + version.systemName() + "' version " + version.version() + " is not certified for production client "
                    + clientId + " (a certificate covers every build of its Major.Minor, here " + version.majorMinor() + ").");
        }
    }

    private static ApiException forbidden(String code, String description) {
        return new ApiException(403, ErrorKind.InputError, code, description);
    }
}
