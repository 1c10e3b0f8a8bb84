package com.invoicepay.certification.onboarding;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import static com.invoicepay.certification.onboarding.OnboardingErrors.*;

/**
 * Who acts in onboarding. An administrator has realm role {@code admin}. An integrator acts with a token carrying
 * its {@code integrator_id} and no {@code merchant_id} (e.g. its app's client-credentials token): a merchant's token
 * of an integrator's app acts for the merchant, never for the integrator. A merchant is a token with
 * {@code merchant_id}; its subject is the merchant's Keycloak user.
 */
@ApplicationScoped
public class OnboardingCallers {
    private final SecurityIdentity identity;

    public OnboardingCallers(SecurityIdentity identity) {
        this.identity = identity;
    }

    public boolean admin() {
        return identity.hasRole("admin");
    }

    public void requireAdmin() {
        if (!admin()) {
            throw forbidden(ADMIN_ONLY, "Only an administrator (realm role admin) may do this.");
        }
    }

    /** The integrator acting, or null (administrators and merchants are not integrators). */
    public String integrator() {
        if (claim("merchant_id") != null) {
            return null;
        }
        return claim("integrator_id");
    }

    /** Passes for an administrator or any integrator; 403 otherwise. */
    public void requireIntegratorOrAdmin() {
        if (!admin() && integrator() == null) {
            throw notAnIntegrator();
        }
    }

    /** Passes for an administrator or the integrator itself; 403 otherwise. */
    public void requireIntegrator(String integratorId) {
        if (admin()) {
            return;
        }
        String caller = integrator();
        if (caller == null) {
            throw notAnIntegrator();
        }
        if (!caller.equals(integratorId)) {
            throw forbidden(OTHER_INTEGRATOR, "This belongs to another integrator.");
        }
    }

    /** The merchant's Keycloak user id (the token's subject); 403 for a token without merchant_id. */
    public String merchantUser() {
        if (claim("merchant_id") == null || !(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getSubject() == null) {
            throw forbidden(NOT_A_MERCHANT, "Only a merchant (a token with merchant_id) has consents.");
        }
        return jwt.getSubject();
    }

    public String merchantId() {
        return claim("merchant_id");
    }

    /** The caller's name for the audit log (preferred_username, else subject). */
    public String actor() {
        return identity.getPrincipal() == null ? "unknown" : identity.getPrincipal().getName();
    }

    private static RuntimeException notAnIntegrator() {
        return forbidden(NOT_AN_INTEGRATOR, "Only the integrator (a token with its integrator_id, not acting for a merchant) "
                + "or an administrator may do this.");
    }

    private String claim(String name) {
        Object value = identity.getPrincipal() instanceof JsonWebToken jwt ? jwt.getClaim(name) : null;
        return value == null ? null : value.toString().replace("\"", "");
    }
}
