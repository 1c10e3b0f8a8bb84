package com.invoicepay.invoice.rest;

import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.gateway.CallerContext;
import com.invoicepay.common.gateway.GatewayProtected;
import com.invoicepay.common.gateway.Scopes;
import com.invoicepay.common.web.CorrelationIds;
import com.invoicepay.invoice.persistence.InvoiceIssuer;
import com.invoicepay.invoice.rest.InvoiceViews.InvoiceDetailsModel;
import com.invoicepay.invoice.rest.InvoiceViews.InvoiceLinkResultModel;
import com.invoicepay.invoice.rest.InvoiceViews.InvoiceResultModel;
import com.invoicepay.invoice.rest.InvoiceViews.InvoiceStatusResultModel;
import com.invoicepay.invoice.service.InvoiceInput;
import com.invoicepay.invoice.service.InvoiceBatches;
import com.invoicepay.invoice.service.InvoiceService;
import com.invoicepay.invoice.service.PayerLinks;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/** invoice.yaml tag "Merchants": InvoiceDirect, cancel, details and status. */
@Path("/api/v1/merchants/{merchantId}/invoices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, "application/json-patch+json", "text/json", "application/*+json"})
@GatewayProtected(scope = Scopes.INVOICE)
@Tag(name = "Merchants")
public class InvoicesResource {
    private final InvoiceService invoices;
    private final InvoiceBatches batches;
    private final PayerLinks payerLinks;
    private final CallerContext caller;
    private final Idempotency idempotency;

    public InvoicesResource(InvoiceService invoices, InvoiceBatches batches, PayerLinks payerLinks, CallerContext caller,
                            Idempotency idempotency) {
        this.idempotency = idempotency;
        this.invoices = invoices;
        this.batches = batches;
        this.payerLinks = payerLinks;
        this.caller = caller;
    }

    /** The single creates run on a Vert.x SQL connection, not in a Hibernate session ({@link InvoiceService#create}). */
    @POST
    @Operation(summary = "Create an invoice.")
    public Uni<Response> create(@PathParam("merchantId") UUID merchantId, @HeaderParam(Idempotency.HEADER) String key,
                                InvoiceInput invoice) {
        observe(invoice);
        EventOrigin origin = origin();
        return invoices.inTransaction(connection -> idempotency.once(connection, caller, key, "create", invoice,
                () -> invoices.create(connection, merchantId, invoice, InvoiceService.DIRECT, origin)
                        .invoke(created -> caller.observeInvoice(created.id))
                        .map(created -> Response.ok(new InvoiceResultModel(created.id)).build())));
    }

    @POST
    @Path("/batch")
    @WithTransaction
    @Operation(summary = "Create multiple invoices.", description = "Up to 2 000 InvoiceDirect. 202 with the accepted and the rejected; "
            + "a consumer rule broken (10101, 10102, 10314) arrives by callback as Invalid.")
    public Uni<Response> createBatch(@PathParam("merchantId") UUID merchantId, @HeaderParam(Idempotency.HEADER) String key,
                                     List<InvoiceInput> batch) {
        InvoiceBatches.checkSize(batch);
        caller.observe("batchSize", String.valueOf(batch.size()));
        return idempotency.once(caller, key, "batch", batch, () -> batches.create(merchantId, batch, InvoiceService.DIRECT, origin())
                .map(result -> Response.accepted(result).build()));
    }

    @POST
    @Path("/link")
    @Operation(summary = "Create an invoice link.", description = "Answers the user-redirect link to the payer page.")
    public Uni<Response> createLink(@PathParam("merchantId") UUID merchantId, @HeaderParam(Idempotency.HEADER) String key,
                                    InvoiceInput invoice) {
        observe(invoice);
        EventOrigin origin = origin();
        return invoices.inTransaction(connection -> idempotency.once(connection, caller, key, "link", invoice,
                () -> invoices.create(connection, merchantId, invoice, InvoiceService.LINK, origin)
                        .invoke(created -> caller.observeInvoice(created.id))
                        .map(created -> Response.ok(new InvoiceLinkResultModel(created.id, payerLinks.of(created))).build())));
    }

    @POST
    @Path("/link/batch")
    @WithTransaction
    @Operation(summary = "Create multiple invoice links.", description = "Up to 2 000 InvoiceLink. 202 with the accepted and the rejected; "
            + "each link arrives by callback with the invoice's Created status.")
    public Uni<Response> createLinkBatch(@PathParam("merchantId") UUID merchantId, @HeaderParam(Idempotency.HEADER) String key,
                                         List<InvoiceInput> batch) {
        InvoiceBatches.checkSize(batch);
        caller.observe("batchSize", String.valueOf(batch.size()));
        return idempotency.once(caller, key, "link-batch", batch, () -> batches.create(merchantId, batch, InvoiceService.LINK, origin())
                .map(result -> Response.accepted(result).build()));
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
