package com.invoicepay.common.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.runtime.OidcIdentityProvider;
import io.quarkus.oidc.runtime.OidcUtils;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the bearer access tokens the OIDC extension verified, until they expire, so a client
 * calling again with the same token (Keycloak's access tokens live 5 minutes and clients reuse them)
 * is not verified again on every request: the RSA signature check and the token's parsing were about
 * a fifth of invoice-service's CPU per create (JFR under bench/run).
 * <p>
 * Asked before the extension's provider (higher priority); a token it has not seen goes to that
 * provider and is remembered under its tenant and the whole token string, until its {@code exp}.
 * Nothing is accepted that the extension would not accept: local verification never asked Keycloak
 * about revocation, and a signing key dropped from the JWKS is noticed only at its next refresh anyway.
 * ID tokens of the code flow (web pages) are always left to the extension.
 */
@ApplicationScoped
public class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest> {
    private static final int MAX_ENTRIES = 10_000;

    private record Verified(SecurityIdentity identity, long expiresAtSecond) {
    }

    private final OidcIdentityProvider oidc;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    private final Counter cached;
    private final Counter checked;

    public VerifiedTokens(OidcIdentityProvider oidc, MeterRegistry metrics) {
        this.oidc = oidc;
        this.cached = Counter.builder("gateway_token_verifications").tag("outcome", "cached")
                .description("access tokens accepted: verified earlier (cached) or checked now").register(metrics);
        this.checked = Counter.builder("gateway_token_verifications").tag("outcome", "checked")
                .description("access tokens accepted: verified earlier (cached) or checked now").register(metrics);
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return oidc.priority() + 1; // asked before the extension's provider
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        Object tenant = routing == null ? null : routing.get(OidcUtils.TENANT_ID_ATTRIBUTE);
        if (!(request.getToken() instanceof AccessTokenCredential token) || tenant == null) {
            return oidc.authenticate(request, context);
        }
        String key = tenant + " " + token.getToken();
        long now = System.currentTimeMillis() / 1000;
        Verified known = verified.get(key);
        if (known != null && known.expiresAtSecond() > now) {
            cached.increment();
            // the same identity, tied to this request (the extension keeps the request in an attribute)
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder(known.identity())
                    .addAttribute(RoutingContext.class.getName(), routing).build());
        }
        return oidc.authenticate(request, context).invoke(identity -> {
            checked.increment();
            if (identity != null && identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getExpirationTime() > now) {
                remember(key, new Verified(identity, jwt.getExpirationTime()), now);
            }
        });
    }

    private void remember(String key, Verified entry, long now) {
        if (verified.size() >= MAX_ENTRIES) {
            verified.values().removeIf(v -> v.expiresAtSecond() <= now);
            if (verified.size() >= MAX_ENTRIES) {
                verified.clear(); // many live tokens at once: start over rather than grow
            }
        }
        verified.put(key, entry);
    }
}
