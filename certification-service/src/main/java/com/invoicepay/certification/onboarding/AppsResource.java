package com.invoicepay.certification.onboarding;

import com.invoicepay.certification.onboarding.OnboardingViews.AppView;
import com.invoicepay.certification.onboarding.OnboardingViews.RedirectUriView;
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

import static com.invoicepay.certification.onboarding.OnboardingErrors.FIELD_INVALID;

/**
 * One app of an integrator: its secret (rotated, shown once), API subscriptions, redirect URIs (asked by the
 * integrator, approved or rejected by an administrator), deletion. Another integrator's app is a 403.
 */
@Path("/api/v1/onboarding")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Onboarding")
@Authenticated
public class AppsResource {
    private final OnboardingService onboarding;
    private final OnboardingCallers callers;

    public AppsResource(OnboardingService onboarding, OnboardingCallers callers) {
        this.onboarding = onboarding;
        this.callers = callers;
    }

    @GET
    @Path("/apps/{appId}")
    @WithSession
    @Operation(summary = "An app with its subscriptions and redirect URIs (never its secret).")
    public Uni<AppView> app(@PathParam("appId") UUID appId) {
        return owned(appId).chain(this::view);
    }

    @DELETE
    @Path("/apps/{appId}")
    @Consumes(MediaType.WILDCARD)
    @WithTransaction
    @Operation(summary = "Delete an app: its Keycloak client goes, and with it every token and consent.")
    public Uni<Response> delete(@PathParam("appId") UUID appId) {
        return owned(appId).chain(app -> onboarding.deleteApp(app, callers.actor())).replaceWith(Response.noContent().build());
    }

    @POST
    @Path("/apps/{appId}/secret")
    @Consumes(MediaType.WILDCARD)
    @WithTransaction
    @Operation(summary = "Rotate the client secret: the answer holds the new one, shown this once; the old one stops working.")
    public Uni<AppView> rotateSecret(@PathParam("appId") UUID appId) {
        return owned(appId).chain(app -> onboarding.rotateSecret(app, callers.actor()))
                .chain(rotated -> onboarding.redirectUris(rotated.app().id).map(uris -> AppView.of(rotated.app(), uris, rotated.clientSecret())));
    }

    @PUT
    @Path("/apps/{appId}/subscriptions/{api}")
    @Consumes(MediaType.WILDCARD)
    @WithTransaction
    @Operation(summary = "Subscribe the app to an API (invoice, invoice-usersimulation, transactionreporting): the client may ask its scope.")
    public Uni<AppView> subscribe(@PathParam("appId") UUID appId, @PathParam("api") String api) {
        return owned(appId).chain(app -> onboarding.subscribe(app, api, callers.actor())).chain(this::view);
    }

    @DELETE
    @Path("/apps/{appId}/subscriptions/{api}")
    @Consumes(MediaType.WILDCARD)
    @WithTransaction
    @Operation(summary = "Unsubscribe the app from an API: new tokens no longer carry its scope.")
    public Uni<AppView> unsubscribe(@PathParam("appId") UUID appId, @PathParam("api") String api) {
        return owned(appId).chain(app -> onboarding.unsubscribe(app, api, callers.actor())).chain(this::view);
    }

    @POST
    @Path("/apps/{appId}/redirect-uris")
    @WithTransaction
    @Operation(summary = "Ask for a redirect URI (exact, https; http to loopback in sandbox): PENDING until an administrator approves it.")
    public Uni<Response> requestRedirectUri(@PathParam("appId") UUID appId, OnboardingService.NewRedirectUri body) {
        return owned(appId).chain(app -> onboarding.requestRedirectUri(app, body, callers.actor()))
                .map(r -> Response.created(URI.create("/api/v1/onboarding/redirect-uris/" + r.id)).entity(RedirectUriView.of(r)).build());
    }

    @DELETE
    @Path("/apps/{appId}/redirect-uris/{redirectUriId}")
    @Consumes(MediaType.WILDCARD)
    @WithTransaction
    @Operation(summary = "Remove a redirect URI; an approved one stops being accepted by Keycloak.")
    public Uni<Response> removeRedirectUri(@PathParam("appId") UUID appId, @PathParam("redirectUriId") UUID redirectUriId) {
        return owned(appId).chain(app -> onboarding.redirectUri(redirectUriId).chain(redirect -> {
            if (!redirect.appId.equals(app.id)) {
                throw OnboardingErrors.notFound(OnboardingErrors.REDIRECT_URI_NOT_FOUND, "App " + appId + " has no redirect URI " + redirectUriId + ".");
            }
            return onboarding.removeRedirectUri(app, redirect, callers.actor());
        })).replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/redirect-uris")
    @WithSession
    @Operation(summary = "Administrator: redirect URIs in a status (default PENDING), oldest first.")
    public Uni<List<RedirectUriView>> redirectUris(@QueryParam("status") String status) {
        callers.requireAdmin();
        String wanted = status == null ? RedirectUri.PENDING : status;
        if (!List.of(RedirectUri.PENDING, RedirectUri.APPROVED, RedirectUri.REJECTED).contains(wanted)) {
            throw OnboardingErrors.input(FIELD_INVALID, "status must be PENDING, APPROVED or REJECTED.");
        }
        return onboarding.redirectUrisIn(wanted).map(all -> all.stream().map(RedirectUriView::of).toList());
    }

    @POST
    @Path("/redirect-uris/{redirectUriId}/approval")
    @Consumes(MediaType.WILDCARD)
    @WithTransaction
    @Operation(summary = "Administrator: approve a pending redirect URI; Keycloak accepts it from now on.")
    public Uni<RedirectUriView> approve(@PathParam("redirectUriId") UUID redirectUriId) {
        callers.requireAdmin();
        return onboarding.redirectUri(redirectUriId).chain(r -> onboarding.decide(r, true, null, callers.actor())).map(RedirectUriView::of);
    }

    @POST
    @Path("/redirect-uris/{redirectUriId}/rejection")
    @WithTransaction
    @Operation(summary = "Administrator: reject a pending redirect URI, with an optional reason {reason}.")
    public Uni<RedirectUriView> reject(@PathParam("redirectUriId") UUID redirectUriId, OnboardingService.Decision body) {
        callers.requireAdmin();
        return onboarding.redirectUri(redirectUriId)
                .chain(r -> onboarding.decide(r, false, body == null ? null : body.reason(), callers.actor())).map(RedirectUriView::of);
    }

    /** The app, if the caller is its integrator or an administrator: 404 for an unknown id, 403 for another's. */
    private Uni<IntegratorApp> owned(UUID appId) {
        callers.requireIntegratorOrAdmin(); // before revealing whether the app exists
        return onboarding.app(appId).map(app -> {
            callers.requireIntegrator(app.integratorId);
            return app;
        });
    }

    private Uni<AppView> view(IntegratorApp app) {
        return onboarding.redirectUris(app.id).map(uris -> AppView.of(app, uris, null));
    }
}
