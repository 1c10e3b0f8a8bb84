package com.invoicepay.certification.onboarding;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the Onboarding API answers; a client secret appears only in the answer that created or rotated it. */
public final class OnboardingViews {
    public record IntegratorView(String integratorId, String name, Instant createdAt, String createdBy) {
        static IntegratorView of(Integrator integrator) {
            return new IntegratorView(integrator.id, integrator.name, integrator.createdAt, integrator.createdBy);
        }
    }

    public record RedirectUriView(UUID id, UUID appId, String uri, String status, Instant requestedAt, String requestedBy,
                                  Instant decidedAt, String decidedBy, String reason) {
        static RedirectUriView of(RedirectUri r) {
            return new RedirectUriView(r.id, r.appId, r.uri, r.status, r.requestedAt, r.requestedBy, r.decidedAt, r.decidedBy, r.reason);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AppView(UUID id, String integratorId, String name, String environment, String clientId,
                          List<String> subscriptions, List<RedirectUriView> redirectUris, Instant createdAt,
                          String clientSecret) {
        static AppView of(IntegratorApp app, List<RedirectUri> redirectUris, String clientSecret) {
            return new AppView(app.id, app.integratorId, app.name, app.environment, app.clientId, app.subscribedApis(),
                    redirectUris.stream().map(RedirectUriView::of).toList(), app.createdAt, clientSecret);
        }
    }

    public record AuditView(Instant occurredAt, String actor, String action, String integratorId, UUID appId,
                            String clientId, String detail) {
        static AuditView of(AuditEntry e) {
            return new AuditView(e.occurredAt, e.actor, e.action, e.integratorId, e.appId, e.clientId, e.detail);
        }
    }

    /** An integrator's user as Keycloak keeps it (never a credential). */
    public record UserView(String userId, String username, String email, String firstName, String lastName, boolean enabled,
                           Instant createdAt) {
        static UserView of(JsonObject user) {
            Long created = user.getLong("createdTimestamp");
            return new UserView(user.getString("id"), user.getString("username"), user.getString("email"), user.getString("firstName"),
                    user.getString("lastName"), user.getBoolean("enabled", true), created == null ? null : Instant.ofEpochMilli(created));
        }
    }

    private OnboardingViews() {
    }
}
