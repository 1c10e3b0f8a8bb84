package com.invoicepay.common.gateway;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import com.invoicepay.common.web.PlatformErrors;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Checks an app's {@code x-ibm-client-id}/{@code x-ibm-client-secret} pair against Keycloak by
 * introspecting the caller's own access token with those credentials: Keycloak accepts the call
 * only when the pair is right, and says whether the token's session is still active. A positive
 * answer is cached for at most 60 s under the token, with a SHA-256 hash of id and secret, never the
 * secret itself; negative answers are not cached. (Hashing the whole token on every call was a
 * per-request cost; the token is the string the cached verified identity already holds.) So a fixed
 * secret works at once, a rotated one stops working within the cache period, and a token whose
 * session was logged out is refused from its first use after the logout (or within the cache period,
 * had it been used before): a cache of the pair alone let such a token in for as long as other tokens
 * of the app kept the pair trusted.
 */
@ApplicationScoped
public class ClientCredentialVerifier {
    private static final Logger LOG = Logger.getLogger(ClientCredentialVerifier.class);
    private static final Duration MAX_TTL = Duration.ofSeconds(60);
    private static final int MAX_ENTRIES = 10_000;

    public enum Verdict { ACCEPTED, CREDENTIALS_REJECTED, TOKEN_INACTIVE }

    private final WebClient web;
    private final String introspectionUrl;
    private final long ttlNanos;
    private final Duration timeout;
    private final LongSupplier nanoTime = System::nanoTime;
    /** The pair Keycloak accepted with a token, as hash(client id, secret), and System.nanoTime() until which both are trusted. */
    private record Trusted(String credentials, long until) {
    }

    /** access token → the pair trusted with it. */
    private final ConcurrentHashMap<String, Trusted> trusted = new ConcurrentHashMap<>();

    public ClientCredentialVerifier(Vertx vertx, PlatformConfig config) {
        this.web = WebClient.create(vertx);
        this.introspectionUrl = config.gateway().introspectionUrl();
        Duration ttl = config.gateway().credentialCacheTtl();
        this.ttlNanos = (ttl.compareTo(MAX_TTL) > 0 ? MAX_TTL : ttl).toNanos();
        this.timeout = config.gateway().checkTimeout();
    }

    @PreDestroy
    void close() {
        web.close();
    }

    public Uni<Verdict> verify(String clientId, String clientSecret, String accessToken) {
        String credentials = hash(clientId, clientSecret);
        Trusted known = trusted.get(accessToken);
        if (known != null && known.credentials().equals(credentials) && nanoTime.getAsLong() - known.until() < 0) {
            return Uni.createFrom().item(Verdict.ACCEPTED);
        }
        return web.postAbs(introspectionUrl)
                .basicAuthentication(clientId, clientSecret)
                .timeout(timeout.toMillis())
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("token", accessToken))
                .onFailure().transform(e -> {
                    LOG.warnf("Keycloak introspection unreachable: %s", e.toString());
                    return new ApiException(503, ErrorKind.ServerError, PlatformErrors.DEPENDENCY_UNAVAILABLE,
                            "The identity provider is unavailable; retry later.");
                })
                .map(response -> judge(response, accessToken, credentials));
    }

    private Verdict judge(HttpResponse<?> response, String accessToken, String credentials) {
        int status = response.statusCode();
        if (status == 401 || status == 403 || status == 400) {
            return Verdict.CREDENTIALS_REJECTED;
        }
        if (status != 200) {
            LOG.warnf("Keycloak introspection answered HTTP %d", status);
            throw new ApiException(503, ErrorKind.ServerError, PlatformErrors.DEPENDENCY_UNAVAILABLE,
                    "The identity provider is unavailable; retry later.");
        }
        var body = response.bodyAsJsonObject();
        // Keycloak answers 200 with an error object when the client authentication failed.
        if (body == null || body.containsKey("error")) {
            return Verdict.CREDENTIALS_REJECTED;
        }
        if (!body.getBoolean("active", false)) {
            return Verdict.TOKEN_INACTIVE;
        }
        remember(accessToken, credentials);
        return Verdict.ACCEPTED;
    }

    private void remember(String accessToken, String credentials) {
        long now = nanoTime.getAsLong();
        if (trusted.size() >= MAX_ENTRIES) {
            trusted.values().removeIf(entry -> now - entry.until() >= 0);
            if (trusted.size() >= MAX_ENTRIES) {
                trusted.clear(); // a flood of distinct tokens must not grow the map; each is just checked again
            }
        }
        trusted.put(accessToken, new Trusted(credentials, now + ttlNanos));
    }

    static String hash(String clientId, String clientSecret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {clientId, clientSecret}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
