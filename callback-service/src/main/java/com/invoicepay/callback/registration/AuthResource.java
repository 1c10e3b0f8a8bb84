package com.invoicepay.callback.registration;

import com.invoicepay.common.gateway.GatewayProtected;
import com.invoicepay.common.gateway.Scopes;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * invoice.yaml's callback registration ({@code auth/basic}, {@code auth/apikey}) and the merchant's
 * signing secrets. Blocking methods (worker threads): the URL check resolves the host name.
 */
@Path("/api/v1/merchants/{merchantId}/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, "application/json-patch+json", "text/json", "application/*+json"})
@GatewayProtected(scope = Scopes.INVOICE)
@Tag(name = "Merchants")
public class AuthResource {
    public record BasicAuthenticationConfiguration(String username, String password, String callbackUrl) {
        @Override
        public String toString() {
            return "BasicAuthenticationConfiguration[callbackUrl=" + callbackUrl + "]";
        }
    }

    public record ApiKeyConfiguration(String apiKey, String callbackUrl) {
        @Override
        public String toString() {
            return "ApiKeyConfiguration[callbackUrl=" + callbackUrl + "]";
        }
    }

    /** A signing secret as its merchant sees it: {@code whsec_} and base64, Standard Webhooks style. */
    public record SigningSecretModel(UUID id, String secret, Instant createdAt, Instant expiresAt) {
    }

    public record SigningSecretsModel(List<SigningSecretModel> secrets) {
    }

    public record RotationRequest(Long overlapSeconds) {
    }

    private final Endpoints endpoints;

    public AuthResource(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @PUT
    @Path("/basic")
    @Operation(summary = "Change REST callback authentication scheme to basic.")
    public Response basic(@PathParam("merchantId") UUID merchantId, BasicAuthenticationConfiguration body) {
        BasicAuthenticationConfiguration b = body == null ? new BasicAuthenticationConfiguration(null, null, null) : body;
        endpoints.registerBasic(merchantId, b.username(), b.password(), b.callbackUrl());
        return Response.noContent().build();
    }

    @PUT
    @Path("/apikey")
    @Operation(summary = "Change REST callback authentication scheme to API Key.")
    public Response apiKey(@PathParam("merchantId") UUID merchantId, ApiKeyConfiguration body) {
        ApiKeyConfiguration b = body == null ? new ApiKeyConfiguration(null, null) : body;
        endpoints.registerApiKey(merchantId, b.apiKey(), b.callbackUrl());
        return Response.noContent().build();
    }

    @GET
    @Path("/signing-secrets")
    @Operation(summary = "The secrets callbacks are signed with now (webhook-signature); two during a rotation.")
    public SigningSecretsModel secrets(@PathParam("merchantId") UUID merchantId) {
        return model(endpoints.secrets(merchantId));
    }

    @POST
    @Path("/signing-secrets/rotate")
    @Operation(summary = "A new signing secret; the current one keeps signing during the overlap (default 24 h).")
    public SigningSecretsModel rotate(@PathParam("merchantId") UUID merchantId, RotationRequest body) {
        Duration overlap = body == null || body.overlapSeconds() == null ? null : Duration.ofSeconds(body.overlapSeconds());
        return model(endpoints.rotate(merchantId, overlap));
    }

    private static SigningSecretsModel model(List<Endpoints.SigningSecret> secrets) {
        return new SigningSecretsModel(secrets.stream()
                .map(s -> new SigningSecretModel(s.id(), s.secret(), s.createdAt(), s.expiresAt())).toList());
    }
}
