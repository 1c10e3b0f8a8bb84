package com.invoicepay.report.rest;

import com.invoicepay.common.gateway.CallerContext;
import com.invoicepay.common.gateway.GatewayProtected;
import com.invoicepay.common.gateway.Scopes;
import com.invoicepay.report.reconciliation.Reconciliations;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.invoicepay.report.rest.ReportingErrors.badRequest;
import static com.invoicepay.report.rest.ReportingErrors.notFound;

/**
 * Reconciliation of the merchant's bank statement (CSV, {@code booking_date,amount,currency,reference,text},
 * or camt.053 XML) against its transfers. Our own addition next to the Reporting API; same gateway and error body.
 */
@Path("/api/v1/reconciliations")
@Produces({MediaType.APPLICATION_JSON, Csv.TEXT_CSV})
@GatewayProtected(scope = Scopes.TRANSACTION_REPORTING)
@Tag(name = "Reconciliation")
public class ReconciliationResource {
    private final Reconciliations reconciliations;
    private final CallerContext caller;

    public ReconciliationResource(Reconciliations reconciliations, CallerContext caller) {
        this.reconciliations = reconciliations;
        this.caller = caller;
    }

    @POST
    @Consumes({Csv.TEXT_CSV, MediaType.TEXT_PLAIN, MediaType.APPLICATION_XML, MediaType.TEXT_XML})
    @Blocking // the statement streams to a temporary file, never held in memory
    @Operation(summary = "Upload a bank statement, CSV or camt.053 XML (declared XML, or a body starting with '<'); "
            + "the reconciliation runs as a job (202, follow Location or /progress)")
    public Response upload(InputStream statement, @Context HttpHeaders headers) throws IOException {
        UUID merchant = caller.merchantId();
        MediaType type = headers.getMediaType();
        boolean xml = type != null && "xml".equalsIgnoreCase(type.getSubtype());
        UUID run;
        try {
            run = reconciliations.start(merchant, statement, xml);
        } catch (Reconciliations.NotAStatement e) {
            throw badRequest(ReportingErrors.NOT_A_STATEMENT, e.getMessage());
        }
        Reconciliations.Summary summary = reconciliations.summary(merchant, run).await().indefinitely();
        return Response.status(202).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Location", "/api/v1/reconciliations/" + summary.id()).entity(summary).build();
    }

    @GET
    @Path("/{runId}/progress")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @org.jboss.resteasy.reactive.RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: the run's summary (status, percent, lines per second) every half second until it ends")
    @Blocking
    public Multi<Reconciliations.Summary> progress(@PathParam("runId") String runId) {
        UUID merchant = caller.merchantId();
        // looked up before the stream starts: once the stream's 200 is sent, an unknown or another merchant's run
        // could no longer be answered 404 (the connection was just cut)
        UUID run = owned(runId).await().atMost(java.time.Duration.ofSeconds(30)).id();
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        return Multi.createFrom().ticks().startingAfter(java.time.Duration.ofMillis(1)).every(java.time.Duration.ofMillis(500))
                // a tick while the previous summary is still being read is skipped, not a failed stream
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> reconciliations.summary(merchant, run))
                // up to and including the first summary of an ended run
                .select().first(s -> !ended.getAndSet(!"Running".equals(s.status())));
    }

    @GET
    @Path("/{runId}")
    @Operation(summary = "A reconciliation run's counts and its malformed lines")
    public Uni<Reconciliations.Summary> summary(@PathParam("runId") String runId) {
        return owned(runId);
    }

    @GET
    @Path("/{runId}/results")
    @Operation(summary = "A reconciliation run's results with the invoices of each matched transfer, JSON or CSV")
    public Uni<Response> results(@PathParam("runId") String runId, @QueryParam("pagesize") String pageSize,
                                 @QueryParam("pagenumber") String pageNumber, @Context HttpHeaders headers) {
        ReportingQueries.Paging paging = TransactionReportingResource.paging(pageSize, pageNumber, "asc");
        return owned(runId).chain(summary -> reconciliations.results(summary.id(), paging.size() + 1, paging.offset()))
                .map(all -> {
                    List<Reconciliations.Result> page = all.size() > paging.size() ? all.subList(0, paging.size()) : all;
                    if (Csv.wanted(headers)) {
                        return Csv.response(List.of("outcome", "matchedBy", "lineNumber", "transferId", "reference",
                                "statementAmount", "transferAmount", "invoices"), page.stream().map(r -> java.util.Arrays.<Object>asList(
                                r.outcome(), r.matchedBy(), r.lineNumber(), r.transferId(), r.reference(), r.statementAmount(),
                                r.transferAmount(), r.invoices().stream().map(i -> i.invoiceNumber()
                                        + (i.paymentReference() == null ? "" : "/" + i.paymentReference()))
                                        .collect(Collectors.joining(";")))).toList());
                    }
                    return Response.ok(new ResultsPage(paging.size(), all.size() > paging.size() ? paging.number() + 1 : null, page),
                            MediaType.APPLICATION_JSON_TYPE).build();
                });
    }

    public record ResultsPage(int pageSize, Integer nextPageNumber, List<Reconciliations.Result> results) {
    }

    private Uni<Reconciliations.Summary> owned(String runId) {
        UUID id = TransactionReportingResource.uuid("runId", runId);
        return reconciliations.summary(caller.merchantId(), id)
                .onItem().ifNull().failWith(() -> notFound("Reconciliation " + runId + " was not found."));
    }
}
