package com.invoicepay.certification.onboarding;

import com.invoicepay.certification.onboarding.OnboardingViews.AppView;
import com.invoicepay.certification.onboarding.OnboardingViews.AuditView;
import com.invoicepay.certification.onboarding.OnboardingViews.IntegratorView;
import com.invoicepay.certification.persistence.Certificate;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.invoicepay.certification.onboarding.OnboardingErrors.NOT_AN_INTEGRATOR;

/**
 * The two server-rendered onboarding pages, behind Keycloak's login (OIDC tenant {@code portal}, code flow): an
 * integrator's apps, subscriptions, redirect URIs and certificates; and the administrators' integrators, pending
 * redirect URIs and audit log. Read-only: every change goes through the Onboarding API.
 */
@Path("/onboarding")
@Produces(MediaType.TEXT_HTML)
@Tag(name = "Onboarding")
@Authenticated
public class OnboardingPages {
    static final int AUDIT_ROWS = 50;

    /** A pending redirect URI with the app it belongs to. */
    public record PendingView(UUID id, String uri, String clientId, String integratorId, Instant requestedAt, String requestedBy) {
    }

    private final OnboardingService onboarding;
    private final AuditLog audit;
    private final OnboardingCallers callers;
    private final Template integratorPage;
    private final Template adminPage;

    public OnboardingPages(OnboardingService onboarding, AuditLog audit, OnboardingCallers callers,
                           @Location("onboarding/integrator.html") Template integratorPage,
                           @Location("onboarding/admin.html") Template adminPage) {
        this.onboarding = onboarding;
        this.audit = audit;
        this.callers = callers;
        this.integratorPage = integratorPage;
        this.adminPage = adminPage;
    }

    @GET
    @Path("/integrator")
    @WithSession
    @Operation(summary = "Integrator's page: apps, subscriptions, redirect URIs and their approval, certificates.")
    public Uni<String> integrator() {
        String integratorId = callers.integrator();
        if (integratorId == null) {
            throw OnboardingErrors.forbidden(NOT_AN_INTEGRATOR, "This page is an integrator's: log in as one of its users.");
        }
        return onboarding.integrator(integratorId).chain(integrator -> onboarding.apps(integratorId).chain(apps ->
                onboarding.redirectUrisOf(apps)
                        .chain(uris -> Certificate.<Certificate>list("integratorId = ?1 order by issuedAt", integratorId)
                                .map(certificates -> integratorPage
                                        .data("integrator", IntegratorView.of(integrator))
                                        .data("apps", apps.stream().map(app -> AppView.of(app,
                                                uris.stream().filter(u -> u.appId.equals(app.id)).toList(), null)).toList())
                                        .data("certificates", certificates)
                                        .render()))));
    }

    @GET
    @Path("/admin")
    @WithSession
    @Operation(summary = "Administrators' page: integrators, redirect URIs awaiting approval, the latest audit entries.")
    public Uni<String> admin() {
        callers.requireAdmin();
        return Integrator.<Integrator>list("order by createdAt").chain(integrators ->
                onboarding.redirectUrisIn(RedirectUri.PENDING).chain(pending -> onboarding.appsOf(pending)
                        .chain(apps -> audit.latest(null).map(entries -> {
                            Map<UUID, IntegratorApp> byId = apps.stream().collect(Collectors.toMap(a -> a.id, Function.identity()));
                            return adminPage
                                    .data("integrators", integrators.stream().map(IntegratorView::of).toList())
                                    .data("pending", pending.stream().map(r -> new PendingView(r.id, r.uri, byId.get(r.appId).clientId,
                                            byId.get(r.appId).integratorId, r.requestedAt, r.requestedBy)).toList())
                                    .data("audit", entries.stream().limit(AUDIT_ROWS).map(AuditView::of).toList())
                                    .render();
                        }))));
    }
}
