package com.invoicepay.invoice.rest;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.gateway.CallerContext;
import com.invoicepay.common.gateway.GatewayProtected;
import com.invoicepay.common.gateway.Scopes;
import com.invoicepay.common.web.CorrelationIds;
import com.invoicepay.invoice.persistence.DirectInvoiceConsent;
import com.invoicepay.invoice.service.ConsentService;
import com.invoicepay.invoice.service.InvoiceErrors;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** invoice.yaml's Direct Invoice Consents, for the merchant's integrator (scope invoice, merchant from the token). */
@Path("/api/v1/directinvoiceconsents")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, "application/json-patch+json", "text/json", "application/*+json"})
@GatewayProtected(scope = Scopes.INVOICE)
@Tag(name = "Direct Invoice Consents")
public class ConsentsResource {
    /** invoice.yaml {@code ConsentRequestModel}. */
    public record ConsentRequestModel(UUID invoiceId) {
    }

    /** invoice.yaml {@code ConsentResponseModel}; state is DirectInvoiceConsentState 1–4. */
    public record ConsentResponseModel(UUID consentId, UUID invoiceId, String phoneNumber, int state, Instant grantedOn) {
        static ConsentResponseModel of(DirectInvoiceConsent c) {
            return new ConsentResponseModel(c.id, c.invoiceId, c.phoneNumber, c.state, c.grantedOn);
        }
    }

    /** invoice.yaml {@code GrantedDirectInvoiceConsentsResponse}. */
    public record GrantedDirectInvoiceConsentsResponse(List<ConsentResponseModel> grantedConsents, String pagingState) {
    }

    private final ConsentService consents;
    private final CallerContext caller;
    private final boolean sandbox;
    private final Idempotency idempotency;

    public ConsentsResource(ConsentService consents, CallerContext caller, PlatformConfig config, Idempotency idempotency) {
        this.idempotency = idempotency;
        this.consents = consents;
        this.caller = caller;
        this.sandbox = config.sandbox();
    }

    @POST
    @WithTransaction
    @Operation(summary = "Attach a request of consent to send direct invoices to a particular invoice.")
    public Uni<Response> request(@HeaderParam(Idempotency.HEADER) String key, ConsentRequestModel body) {
        UUID invoiceId = body == null ? null : body.invoiceId();
        caller.observeInvoice(invoiceId);
        return idempotency.once(caller, key, "consent", body, () -> consents.request(caller.merchantId(), invoiceId,
                        caller.eventOrigin(CorrelationIds.current()))
                .map(consent -> Response.ok(ConsentResponseModel.of(consent)).build()));
    }

    @GET
    @WithSession
    @Operation(summary = "Get the list of consents that are granted to particular invoice issuer.",
            description = "Granted consents unless state says otherwise; 100 per page, pagingState leads to the next.")
    public Uni<GrantedDirectInvoiceConsentsResponse> list(
            // read as text: a UUID parameter that does not convert is a 404 by JAX-RS's rule, and this is a bad filter
            @QueryParam("invoiceIssuerId") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) String issuerId,
            @QueryParam("state") String state,
            @QueryParam("pagingState") String pagingState) {
        UUID issuer;
        try {
            issuer = issuerId == null || issuerId.isBlank() ? null : UUID.fromString(issuerId.trim());
        } catch (IllegalArgumentException notAUuid) {
            throw InvoiceErrors.input(InvoiceErrors.CONSENT_QUERY_INVALID, "invoiceIssuerId must be a UUID.");
        }
        return consents.list(caller.merchantId(), issuer, state, pagingState)
                .map(page -> new GrantedDirectInvoiceConsentsResponse(
                        page.consents().stream().map(ConsentResponseModel::of).toList(), page.pagingState()));
    }

    @GET
    @Path("/{consentId}")
    @WithSession
    @Operation(summary = "Get a single consent.")
    public Uni<ConsentResponseModel> get(@PathParam("consentId") UUID consentId) {
        return consents.owned(caller.merchantId(), consentId).map(ConsentResponseModel::of);
    }

    @DELETE
    @Path("/{consentId}")
    @WithTransaction
    @Tag(name = "Invoice User Simulation")
    @Operation(summary = "Delete direct invoice consent (sandbox): the payer revokes it.")
    public Uni<Response> revoke(@PathParam("consentId") UUID consentId, @HeaderParam("AuthenticatedUser") String user) {
        UUID payer = UserSimulationResource.payer(user, sandbox);
        return consents.owned(caller.merchantId(), consentId).chain(() -> consents.revoke(payer, consentId, caller.eventOrigin(CorrelationIds.current())))
                .replaceWith(Response.noContent().build());
    }

}
