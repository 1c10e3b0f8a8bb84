package com.invoicepay.certification.onboarding;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** A merchant's consents to integrators' apps: which integrators act for it, and revoking one. */
@Path("/api/v1/onboarding/consents")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Onboarding")
@Authenticated
public class ConsentsResource {
    private final OnboardingService onboarding;
    private final OnboardingCallers callers;

    public ConsentsResource(OnboardingService onboarding, OnboardingCallers callers) {
        this.onboarding = onboarding;
        this.callers = callers;
    }

    @GET
    @WithSession
    @Operation(summary = "Merchant: the integrators' apps holding its consent, with the granted scopes.")
    public Uni<List<OnboardingService.Consent>> consents() {
        return onboarding.consents(callers.merchantUser());
    }

    @DELETE
    @Path("/{clientId}")
    @Consumes(MediaType.WILDCARD)
    @WithTransaction
    @Operation(summary = "Merchant: revoke its consent to an app; the app's refresh tokens for it stop working at once.")
    public Uni<Response> revoke(@PathParam("clientId") String clientId) {
        return onboarding.revokeConsent(callers.merchantUser(), callers.merchantId(), clientId, callers.actor())
                .replaceWith(Response.noContent().build());
    }
}
