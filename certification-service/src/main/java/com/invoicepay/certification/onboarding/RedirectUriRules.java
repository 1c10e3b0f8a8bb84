package com.invoicepay.certification.onboarding;

import com.invoicepay.common.web.ApiException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

import static com.invoicepay.certification.onboarding.OnboardingErrors.*;

/**
 * What a redirect URI must be before it can even await approval: an exact, absolute https URI (the original's
 * "send us your redirect URI to be whitelisted"). Plain http only to a loopback address of a sandbox app in sandbox
 * mode, where a developer's machine receives the code. No wildcard, fragment or user info.
 */
public final class RedirectUriRules {
    static final int MAX_LENGTH = 2000;
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "[::1]", "localhost");

    /** The URI as it will be registered (unchanged), or a 400 naming what is wrong. */
    public static String check(String uri, Environment environment, boolean sandboxMode) {
        if (uri == null || uri.isBlank()) {
            throw input(FIELD_REQUIRED, "uri is required.");
        }
        if (uri.length() > MAX_LENGTH) {
            throw input(FIELD_INVALID, "uri is longer than " + MAX_LENGTH + " characters.");
        }
        if (uri.contains("*")) {
            throw input(REDIRECT_URI_WILDCARD, "uri must be exact: wildcards (*) are not allowed.");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw notHttps("uri is not a valid URI.");
        }
        if (!parsed.isAbsolute() || parsed.getHost() == null) {
            throw notHttps("uri must be an absolute https URI with a host.");
        }
        if (parsed.getRawFragment() != null || parsed.getRawUserInfo() != null) {
            throw notHttps("uri must have neither a fragment nor user info.");
        }
        String scheme = parsed.getScheme().toLowerCase();
        boolean loopback = LOOPBACK.contains(parsed.getHost().toLowerCase());
        if ("https".equals(scheme)) {
            if (loopback && !(sandboxMode && environment == Environment.SANDBOX)) {
                throw notHttps("uri must not be a loopback address outside the sandbox.");
            }
            return uri;
        }
        if ("http".equals(scheme) && loopback && sandboxMode && environment == Environment.SANDBOX) {
            return uri;
        }
        throw notHttps("uri must use https (plain http only to a loopback address of a sandbox app).");
    }

    private static ApiException notHttps(String description) {
        return input(REDIRECT_URI_NOT_HTTPS, description);
    }

    private RedirectUriRules() {
    }
}
