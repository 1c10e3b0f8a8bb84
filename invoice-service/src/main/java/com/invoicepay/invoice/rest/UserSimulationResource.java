package com.invoicepay.invoice.rest;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.gateway.CallerContext;
import com.invoicepay.common.gateway.GatewayProtected;
import com.invoicepay.common.gateway.Scopes;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.CorrelationIds;
import com.invoicepay.invoice.payer.InvoicePdf;
import com.invoicepay.invoice.payer.PayerView;
import com.invoicepay.invoice.persistence.Invoice;
import com.invoicepay.invoice.persistence.InvoiceIssuer;
import com.invoicepay.invoice.rest.InvoiceViews.AcceptInvoiceResultModel;
import com.invoicepay.invoice.rest.InvoiceViews.InvoiceResultModel;
import com.invoicepay.invoice.service.InvoiceErrors;
import com.invoicepay.invoice.service.InvoiceService;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * invoice.yaml tag "Invoice User Simulation": the payer's side, sandbox only. The payer is the
 * {@code AuthenticatedUser} header (a sandbox consumer id); outside sandbox mode these paths are 404.
 * The header is the integrator's claim, not a proof, so the invoice must also be the token's merchant's:
 * another merchant's invoice is as unknown (404) as in the merchant's own API.
 */
@Path("/api/v1/consumers/me/invoices/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, "application/json-patch+json", "text/json", "application/*+json"})
@GatewayProtected(scope = Scopes.INVOICE_USER_SIMULATION)
@Tag(name = "Invoice User Simulation")
public class UserSimulationResource {
    /** invoice.yaml {@code AcceptInvoiceInputModel}; paymentDate as text so a bad one names itself. */
    public record AcceptInvoiceInputModel(String paymentDate, UUID consumerCard) {
    }

    private final InvoiceService invoices;
    private final CallerContext caller;
    private final boolean sandbox;

    public UserSimulationResource(InvoiceService invoices, CallerContext caller, PlatformConfig config) {
        this.invoices = invoices;
        this.caller = caller;
        this.sandbox = config.sandbox();
    }

    @PUT
    @Path("/accept")
    @WithTransaction
    @Operation(summary = "Accept invoice (sandbox): schedule its payment on PaymentDate, paid at once when that is today.")
    public Uni<AcceptInvoiceResultModel> accept(@PathParam("id") UUID id, @HeaderParam("AuthenticatedUser") String user,
                                                AcceptInvoiceInputModel body) {
        UUID payer = payer(user);
        caller.observeInvoice(id);
        LocalDate date = body == null ? null : paymentDate(body.paymentDate());
        return invoices.owned(caller.merchantId(), id)
                .chain(() -> invoices.accept(payer, id, date, body == null ? null : body.consumerCard(), caller.eventOrigin(CorrelationIds.current())))
                .map(invoice -> new AcceptInvoiceResultModel(invoice.id, invoice.status, invoice.redirectUrl));
    }

    @GET
    @Path("/pdf")
    @Produces("application/pdf")
    @WithTransaction
    @Operation(summary = "Get invoice as PDF (sandbox): the same data as the payer page.")
    public Uni<Response> pdf(@PathParam("id") UUID id, @HeaderParam("AuthenticatedUser") String user) {
        UUID payer = payer(user);
        caller.observeInvoice(id);
        return invoices.owned(caller.merchantId(), id).chain(() -> invoices.forPayer(payer, id)).chain(invoice -> InvoiceIssuer.<InvoiceIssuer>findById(invoice.issuerId)
                .map(issuer -> Response.ok(InvoicePdf.render(PayerView.of(invoice, issuer, invoice.linkToken)), "application/pdf")
                        .header("Content-Disposition", "inline; filename=\"invoice-" + invoice.id + ".pdf\"").build()));
    }

    @PUT
    @Path("/reject")
    @WithTransaction
    @Operation(summary = "Reject invoice (sandbox).")
    public Uni<InvoiceResultModel> reject(@PathParam("id") UUID id, @HeaderParam("AuthenticatedUser") String user) {
        UUID payer = payer(user);
        caller.observeInvoice(id);
        return invoices.owned(caller.merchantId(), id).chain(() -> invoices.reject(payer, id, caller.eventOrigin(CorrelationIds.current())))
                .map((Invoice i) -> new InvoiceResultModel(i.id));
    }

    private UUID payer(String user) {
        return payer(user, sandbox);
    }

    /** The AuthenticatedUser header: the payer's id, honoured in sandbox mode only (404 elsewhere). */
    static UUID payer(String user, boolean sandbox) {
        if (!sandbox) {
            throw ApiException.unknownResource();
        }
        try {
            return UUID.fromString(user);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw InvoiceErrors.input(InvoiceErrors.AUTHENTICATED_USER_INVALID, "AuthenticatedUser must be the payer's id (a UUID).");
        }
    }

    /** The payer's date: a date-time is read in Copenhagen time, the sandbox payers' zone. */
    private static LocalDate paymentDate(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).atZoneSameInstant(ZoneId.of("Europe/Copenhagen")).toLocalDate();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e2) {
                throw InvoiceErrors.input(InvoiceErrors.DATE_MALFORMED, "PaymentDate must be an ISO-8601 date-time or date.");
            }
        }
    }
}
