package com.invoicepay.invoice.rest;

import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.gateway.CallerContext;
import com.invoicepay.common.gateway.GatewayProtected;
import com.invoicepay.common.gateway.Scopes;
import com.invoicepay.common.web.CorrelationIds;
import com.invoicepay.invoice.persistence.InvoiceIssuer;
import com.invoicepay.invoice.rest.InvoiceViews.InvoiceDetailsModel;
import com.invoicepay.invoice.rest.InvoiceViews.InvoiceResultModel;
import com.invoicepay.invoice.rest.InvoiceViews.InvoiceStatusResultModel;
import com.invoicepay.invoice.service.InvoiceInput;
import com.invoicepay.invoice.service.InvoiceService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
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

import java.util.UUID;

/** invoice.yaml tag "Merchants": InvoiceDirect, cancel, details and status. */
@Path("/api/v1/merchants/{merchantId}/invoices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, "application/json-patch+json", "text/json", "application/*+json"})
@GatewayProtected(scope = Scopes.INVOICE)
@Tag(name = "Merchants")
public class InvoicesResource {
    private final InvoiceService invoices;
    private final CallerContext caller;

    public InvoicesResource(InvoiceService invoices, CallerContext caller) {
        this.invoices = invoices;
        this.caller = caller;
    }

    @POST
    @WithTransaction
    @Operation(summary = "Create an invoice.")
    public Uni<InvoiceResultModel> create(@PathParam("merchantId") UUID merchantId, InvoiceInput invoice) {
        observe(invoice);
        return invoices.create(merchantId, invoice, "Direct", origin())
                .invoke(created -> caller.observeInvoice(created.id))
                .map(created -> new InvoiceResultModel(created.id));
    }

    @PUT
    @Path("/{invoiceId}/cancel")
    @WithTransaction
    @Operation(summary = "Cancel invoice.")
    public Uni<Response> cancel(@PathParam("merchantId") UUID merchantId, @PathParam("invoiceId") UUID invoiceId) {
        caller.observeInvoice(invoiceId);
        return invoices.cancel(merchantId, invoiceId, origin()).replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/{invoiceId}")
    @WithSession
    @Operation(summary = "Get invoice details.")
    public Uni<InvoiceDetailsModel> details(@PathParam("merchantId") UUID merchantId, @PathParam("invoiceId") UUID invoiceId) {
        caller.observeInvoice(invoiceId);
        return invoices.owned(merchantId, invoiceId).chain(invoice -> InvoiceIssuer.<InvoiceIssuer>findById(invoice.issuerId)
                .map(issuer -> InvoiceViews.details(invoice, issuer)));
    }

    @GET
    @Path("/{invoiceId}/status")
    @WithSession
    @Operation(summary = "Get invoice status.")
    public Uni<InvoiceStatusResultModel> status(@PathParam("merchantId") UUID merchantId, @PathParam("invoiceId") UUID invoiceId) {
        caller.observeInvoice(invoiceId);
        return invoices.owned(merchantId, invoiceId).map(invoice -> new InvoiceStatusResultModel(invoice.id, invoice.status));
    }

    /** The business values certification judges: amount and references as the client sent them. */
    private void observe(InvoiceInput invoice) {
        if (invoice != null) {
            caller.observe("totalAmount", invoice.totalAmount() == null ? null : invoice.totalAmount().toPlainString());
            caller.observe("invoiceNumber", invoice.invoiceNumber());
            caller.observe("paymentReference", invoice.paymentReference());
        }
    }

    private EventOrigin origin() {
        return caller.eventOrigin(CorrelationIds.current());
    }
}
