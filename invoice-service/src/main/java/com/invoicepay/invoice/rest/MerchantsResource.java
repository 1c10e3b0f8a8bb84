package com.invoicepay.invoice.rest;

import com.invoicepay.common.gateway.CallerContext;
import com.invoicepay.common.gateway.GatewayProtected;
import com.invoicepay.common.gateway.Scopes;
import com.invoicepay.invoice.persistence.InvoiceIssuer;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/** invoice.yaml tag "Merchants": who the caller is and which invoice issuers it has. */
@Path("/api/v1/merchants")
@Produces(MediaType.APPLICATION_JSON)
@GatewayProtected(scope = Scopes.INVOICE)
@Tag(name = "Merchants")
public class MerchantsResource {
    private final CallerContext caller;

    public MerchantsResource(CallerContext caller) {
        this.caller = caller;
    }

    /** invoice.yaml {@code RestAPI.Models.Invoice.MerchantUserMerchant}. */
    public record MerchantUserMerchant(UUID merchantId) {
    }

    /** invoice.yaml {@code RestAPI.Models.Invoice.InvoiceIssuerModel}. */
    public record InvoiceIssuerModel(UUID id, String name, String accountType, String status, String address,
                                     String city, String zipCode) {
        static InvoiceIssuerModel of(InvoiceIssuer issuer) {
            return new InvoiceIssuerModel(issuer.id, issuer.name, issuer.accountType, issuer.status,
                    issuer.address, issuer.city, issuer.zipCode);
        }
    }

    /** invoice.yaml {@code RestAPI.Models.Invoice.InvoiceIssuersResultModel}. */
    public record InvoiceIssuersResultModel(List<InvoiceIssuerModel> invoiceIssuers) {
    }

    @GET
    @Path("/me")
    @Operation(summary = "Get your merchant id.")
    public MerchantUserMerchant me() {
        return new MerchantUserMerchant(caller.merchantId());
    }

    @GET
    @Path("/{merchantId}/invoiceissuers")
    @WithSession
    @Operation(summary = "Get all your invoice issuers.")
    public Uni<InvoiceIssuersResultModel> invoiceIssuers(@PathParam("merchantId") UUID merchantId) {
        // the gateway has already refused any merchant that is not the caller's
        return InvoiceIssuer.ofMerchant(merchantId)
                .map(issuers -> new InvoiceIssuersResultModel(issuers.stream().map(InvoiceIssuerModel::of).toList()));
    }
}
