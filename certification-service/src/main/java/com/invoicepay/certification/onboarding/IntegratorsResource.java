package com.invoicepay.certification.onboarding;

import com.invoicepay.certification.onboarding.OnboardingViews.AppView;
import com.invoicepay.certification.onboarding.OnboardingViews.AuditView;
import com.invoicepay.certification.onboarding.OnboardingViews.IntegratorView;
import com.invoicepay.certification.onboarding.OnboardingViews.UserView;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/** Integrators (registered by an administrator), their users, their apps (created by the integrator), and the audit log. */
@Path("/api/v1/onboarding")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Onboarding")
@Authenticated
public class IntegratorsResource {
    private final OnboardingService onboarding;
    private final AuditLog audit;
    private final OnboardingCallers callers;

    public IntegratorsResource(OnboardingService onboarding, AuditLog audit, OnboardingCallers callers) {
        this.onboarding = onboarding;
        this.audit = audit;
        this.callers = callers;
    }

    @POST
    @Path("/integrators")
    @WithTransaction
    @Operation(summary = "Administrator: register an integrator organisation; answers its integrator id.")
    public Uni<Response> register(OnboardingService.NewIntegrator body) {
        callers.requireAdmin();
        return onboarding.registerIntegrator(body, callers.actor()).map(integrator ->
                Response.created(URI.create("/api/v1/onboarding/integrators/" + integrator.id)).entity(IntegratorView.of(integrator)).build());
    }

    @GET
    @Path("/integrators")
    @WithSession
    @Operation(summary = "Administrator: every integrator.")
    public Uni<List<IntegratorView>> integrators() {
        callers.requireAdmin();
        return Integrator.<Integrator>list("order by createdAt").map(all -> all.stream().map(IntegratorView::of).toList());
    }

    @GET
    @Path("/integrators/{integratorId}")
    @WithSession
    @Operation(summary = "An integrator (itself or an administrator).")
    public Uni<IntegratorView> integrator(@PathParam("integratorId") String integratorId) {
        callers.requireIntegrator(integratorId);
        return onboarding.integrator(integratorId).map(IntegratorView::of);
    }

    @POST
    @Path("/integrators/{integratorId}/users")
    @WithTransaction
    @Operation(summary = "Administrator: a user of the integrator, who logs in to the onboarding pages; the answer holds a "
            + "temporary password, shown this once, which Keycloak makes the user change at the first login.")
    public Uni<Response> createUser(@PathParam("integratorId") String integratorId, OnboardingService.NewUser body) {
        callers.requireAdmin();
        return onboarding.integrator(integratorId).chain(integrator -> onboarding.createUser(integrator, body, callers.actor()))
                .map(user -> Response.status(201).entity(user).build());
    }

    @GET
    @Path("/integrators/{integratorId}/users")
    @WithSession
    @Operation(summary = "Administrator: the integrator's users (from Keycloak), enabled or not.")
    public Uni<List<UserView>> users(@PathParam("integratorId") String integratorId) {
        callers.requireAdmin();
        return onboarding.integrator(integratorId).chain(onboarding::users).map(users -> users.stream().map(UserView::of).toList());
    }

    @PUT
    @Path("/integrators/{integratorId}/users/{userId}/disable")
    @Consumes(MediaType.WILDCARD)
    @WithTransaction
    @Operation(summary = "Administrator: disable an integrator's user; its sessions end and Keycloak refuses it tokens.")
    public Uni<UserView> disableUser(@PathParam("integratorId") String integratorId, @PathParam("userId") UUID userId) {
        return setUserEnabled(integratorId, userId, false);
    }

    @PUT
    @Path("/integrators/{integratorId}/users/{userId}/enable")
    @Consumes(MediaType.WILDCARD)
    @WithTransaction
    @Operation(summary = "Administrator: enable a disabled integrator's user again.")
    public Uni<UserView> enableUser(@PathParam("integratorId") String integratorId, @PathParam("userId") UUID userId) {
        return setUserEnabled(integratorId, userId, true);
    }

    @DELETE
    @Path("/integrators/{integratorId}/users/{userId}")
    @Consumes(MediaType.WILDCARD)
    @WithTransaction
    @Operation(summary = "Administrator: delete an integrator's user from Keycloak.")
    public Uni<Response> deleteUser(@PathParam("integratorId") String integratorId, @PathParam("userId") UUID userId) {
        callers.requireAdmin();
        return onboarding.integrator(integratorId).chain(integrator -> onboarding.deleteUser(integrator, userId, callers.actor()))
                .replaceWith(Response.noContent().build());
    }

    private Uni<UserView> setUserEnabled(String integratorId, UUID userId, boolean enabled) {
        callers.requireAdmin();
        return onboarding.integrator(integratorId)
                .chain(integrator -> onboarding.setUserEnabled(integrator, userId, enabled, callers.actor())).map(UserView::of);
    }

    @POST
    @Path("/integrators/{integratorId}/apps")
    @WithSession // the service commits the new app itself, after its Keycloak client exists (deleted again if that fails)
    @Operation(summary = "Create an app (environment sandbox or production); the answer holds its client secret, shown this once.")
    public Uni<Response> createApp(@PathParam("integratorId") String integratorId, OnboardingService.NewApp body) {
        callers.requireIntegrator(integratorId);
        return onboarding.integrator(integratorId)
                .chain(integrator -> onboarding.createApp(integrator, body, callers.actor()))
                .map(created -> Response.created(URI.create("/api/v1/onboarding/apps/" + created.app().id))
                        .entity(AppView.of(created.app(), List.of(), created.clientSecret())).build());
    }

    @GET
    @Path("/integrators/{integratorId}/apps")
    @WithSession
    @Operation(summary = "The integrator's apps with subscriptions and redirect URIs (never a secret).")
    public Uni<List<AppView>> apps(@PathParam("integratorId") String integratorId) {
        callers.requireIntegrator(integratorId);
        return onboarding.integrator(integratorId).chain(integrator -> onboarding.apps(integrator.id))
                .chain(apps -> onboarding.redirectUrisOf(apps)
                        .map(uris -> apps.stream().map(app -> AppView.of(app,
                                uris.stream().filter(u -> u.appId.equals(app.id)).toList(), null)).toList()));
    }

    @GET
    @Path("/audit")
    @WithSession
    @Operation(summary = "Administrator: the latest administrative acts (who, what, when), newest first.")
    public Uni<List<AuditView>> audit(@QueryParam("integratorId") String integratorId) {
        callers.requireAdmin();
        return audit.latest(integratorId).map(entries -> entries.stream().map(AuditView::of).toList());
    }
}
