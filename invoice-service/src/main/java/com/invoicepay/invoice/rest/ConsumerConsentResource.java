package com.invoicepay.invoice.rest;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.gateway.CallerContext;
import com.invoicepay.common.gateway.GatewayProtected;
import com.invoicepay.common.gateway.Scopes;
import com.invoicepay.common.web.CorrelationIds;
import com.invoicepay.invoice.service.ConsentService;
import com.invoicepay.invoice.service.InvoiceErrors;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** The payer's consent decision, user simulation (sandbox only). */
@Path("/api/v1/consumers/me/invoices/directinvoiceconsent/{consentId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, "application/json-patch+json", "text/json", "application/*+json"})
@GatewayProtected(scope = Scopes.INVOICE_USER_SIMULATION)
@Tag(name = "Invoice User Simulation")
public class ConsumerConsentResource {
    /** invoice.yaml {@code UpdateDirectInvoiceConsentRequest}. */
    public record UpdateDirectInvoiceConsentRequest(Boolean isConsentGranted) {
    }

    private final ConsentService consents;
    private final CallerContext caller;
    private final boolean sandbox;

    public ConsumerConsentResource(ConsentService consents, CallerContext caller, PlatformConfig config) {
        this.consents = consents;
        this.caller = caller;
        this.sandbox = config.sandbox();
    }

    @PUT
    @WithTransaction
    @Operation(summary = "Update direct invoice consent (sandbox): the payer grants or declines.")
    public Uni<Response> decide(@PathParam("consentId") UUID consentId, @HeaderParam("AuthenticatedUser") String user,
                                UpdateDirectInvoiceConsentRequest body) {
        UUID payer = UserSimulationResource.payer(user, sandbox);
        if (body == null || body.isConsentGranted() == null) {
            throw InvoiceErrors.input(InvoiceErrors.FIELD_REQUIRED, "IsConsentGranted is required.");
        }
        return consents.owned(caller.merchantId(), consentId)
                .chain(() -> consents.decide(payer, consentId, body.isConsentGranted(), caller.eventOrigin(CorrelationIds.current())))
                .replaceWith(Response.noContent().build());
    }
}
