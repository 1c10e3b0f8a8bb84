package com.invoicepay.invoice.rest;

import com.invoicepay.invoice.persistence.InvoiceIssuer;
import com.invoicepay.invoice.service.InvoiceErrors;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
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

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the original did in its web portal, as an operator API (role admin): create a merchant's
 * invoice issuer with its country and transfer method, and enable or disable it. A new issuer is
 * disabled until enabled (the portal's account validation); invoices to a disabled one get 10203.
 */
@Path("/api/v1/admin/merchants/{merchantId}/invoiceissuers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "Admin")
public class AdminIssuersResource {
    /** Currency per country (DESIGN.md: DK pays in DKK, FI in EUR). */
    private static final Map<String, String> CURRENCY = Map.of("DK", "DKK", "FI", "EUR");
    private static final List<String> TRANSFER_METHODS = List.of("Instant", "Daily");

    public record IssuerInput(String name, String country, String transferMethod, String accountType, String address,
                              String city, String zipCode, String logoUrl) {
    }

    public record IssuerView(UUID id, UUID merchantId, String name, String country, String currency, String transferMethod,
                             boolean enabled, String accountType, String address, String city, String zipCode, String logoUrl) {
        static IssuerView of(InvoiceIssuer i) {
            return new IssuerView(i.id, i.merchantId, i.name, i.country, i.currency, i.transferMethod, i.enabled,
                    i.accountType, i.address, i.city, i.zipCode, i.logoUrl);
        }
    }

    @POST
    @WithTransaction
    @Operation(summary = "Create an invoice issuer of a merchant (disabled until enabled).")
    public Uni<Response> create(@PathParam("merchantId") UUID merchantId, IssuerInput in) {
        validate(in);
        InvoiceIssuer issuer = new InvoiceIssuer();
        issuer.id = UUID.randomUUID();
        issuer.merchantId = merchantId;
        issuer.name = in.name().trim();
        issuer.country = in.country();
        issuer.currency = CURRENCY.get(in.country());
        issuer.transferMethod = in.transferMethod();
        issuer.accountType = in.accountType() == null ? "Account" : in.accountType();
        issuer.address = in.address();
        issuer.city = in.city();
        issuer.zipCode = in.zipCode();
        issuer.logoUrl = in.logoUrl();
        issuer.enabled = false;
        return issuer.persist().map(saved -> Response.created(URI.create("/api/v1/merchants/" + merchantId + "/invoiceissuers"))
                .entity(IssuerView.of(issuer)).build());
    }

    @GET
    @WithSession
    @Operation(summary = "A merchant's invoice issuers, enabled or not, with country and transfer method.")
    public Uni<List<IssuerView>> list(@PathParam("merchantId") UUID merchantId) {
        return InvoiceIssuer.ofMerchant(merchantId).map(issuers -> issuers.stream().map(IssuerView::of).toList());
    }

    @PUT
    @Path("/{issuerId}/enable")
    @WithTransaction
    @Operation(summary = "Enable an invoice issuer (its account validation passed).")
    public Uni<IssuerView> enable(@PathParam("merchantId") UUID merchantId, @PathParam("issuerId") UUID issuerId) {
        return setEnabled(merchantId, issuerId, true);
    }

    @PUT
    @Path("/{issuerId}/disable")
    @WithTransaction
    @Operation(summary = "Disable an invoice issuer: new invoices to it are refused with 10203.")
    public Uni<IssuerView> disable(@PathParam("merchantId") UUID merchantId, @PathParam("issuerId") UUID issuerId) {
        return setEnabled(merchantId, issuerId, false);
    }

    private Uni<IssuerView> setEnabled(UUID merchantId, UUID issuerId, boolean enabled) {
        return InvoiceIssuer.ofMerchant(merchantId, issuerId)
                .onItem().ifNull().failWith(() -> new com.invoicepay.common.web.ApiException(404,
                        com.invoicepay.common.web.ErrorKind.InputError, InvoiceErrors.ISSUER_NOT_FOUND,
                        "Invoice issuer " + issuerId + " was not found for this merchant."))
                .map(issuer -> {
                    issuer.enabled = enabled;
                    return IssuerView.of(issuer);
                });
    }

    private static void validate(IssuerInput in) {
        if (in == null || in.name() == null || in.name().isBlank() || in.name().length() > 100) {
            throw InvoiceErrors.input(InvoiceErrors.ISSUER_INPUT_INVALID, "name is required (at most 100 characters).");
        }
        if (!CURRENCY.containsKey(in.country())) {
            throw InvoiceErrors.input(InvoiceErrors.ISSUER_INPUT_INVALID, "country must be DK or FI.");
        }
        if (!TRANSFER_METHODS.contains(in.transferMethod())) {
            throw InvoiceErrors.input(InvoiceErrors.ISSUER_INPUT_INVALID, "transferMethod must be Instant or Daily.");
        }
        if (in.logoUrl() != null && !in.logoUrl().startsWith("https://")) {
            throw InvoiceErrors.input(InvoiceErrors.URL_NOT_HTTPS, "logoUrl must be an https URL.");
        }
    }
}
