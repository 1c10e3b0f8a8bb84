package com.invoicepay.certification.client;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.Tenant;
import io.quarkus.oidc.TenantIdentityProvider;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Optional;

/**
 * Verifies the access token an integrator hands in at identification with quarkus-oidc's default
 * tenant: signature against the realm's published keys (JWKS), issuer and expiry. Introspection is not
 * used: Keycloak answers {@code active:false} to any client outside the token's audience, and the
 * realm's integrator clients put only themselves there.
 */
@ApplicationScoped
public class SandboxTokenVerifier {
    @Inject
    @Tenant("Default")
    TenantIdentityProvider identities;

    /** The verified token, or empty when it is not a valid, unexpired token of the realm. */
    public Uni<Optional<JsonWebToken>> verify(String rawToken) {
        return identities.authenticate(new AccessTokenCredential(rawToken))
                .map(identity -> identity.getPrincipal() instanceof JsonWebToken jwt
                        ? Optional.of(jwt) : Optional.<JsonWebToken>empty())
                .onFailure().recoverWithItem(Optional.empty());
    }
}
