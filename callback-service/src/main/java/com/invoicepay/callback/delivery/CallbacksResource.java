package com.invoicepay.callback.delivery;

import com.invoicepay.callback.CallbackErrors;
import com.invoicepay.common.gateway.GatewayProtected;
import com.invoicepay.common.gateway.Scopes;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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

import java.util.Set;
import java.util.UUID;

/** A merchant's callback batches and their attempts, redelivery of a dead-lettered batch, a test callback. */
@Path("/api/v1/merchants/{merchantId}/callbacks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, "application/json-patch+json", "text/json", "application/*+json"})
@GatewayProtected(scope = Scopes.INVOICE)
@Tag(name = "Callbacks")
public class CallbacksResource {
    static final Set<String> STATUSES = Set.of("Created", "Invalid", "Accepted", "Paid", "Rejected", "Expired", "Canceled");

    public record TestCallbackRequest(String status) {
    }

    public record ReplayRequest(java.time.Instant from, java.time.Instant to) {
    }

    public record ReplayResult(long items) {
    }

    private final Deliveries deliveries;
    private final BatchQueries queries;

    public CallbacksResource(Deliveries deliveries, BatchQueries queries) {
        this.deliveries = deliveries;
        this.queries = queries;
    }

    @GET
    @Path("/batches")
    @Operation(summary = "This merchant's callback batches, newest first (state: Pending, Delivered, DeadLettered).")
    public BatchQueries.BatchList batches(@PathParam("merchantId") UUID merchantId, @QueryParam("state") String state,
                                          @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, defaultValue = "100")) String limit) {
        return queries.list(merchantId, state, BatchQueries.limit(limit));
    }

    @GET
    @Path("/batches/{batchId}")
    @Operation(summary = "A callback batch with its items and every delivery attempt.")
    public BatchQueries.BatchDetails batch(@PathParam("merchantId") UUID merchantId, @PathParam("batchId") UUID batchId) {
        return queries.details(merchantId, batchId);
    }

    @POST
    @Path("/batches/{batchId}/redeliver")
    @Operation(summary = "Send a dead-lettered batch again (same webhook-id) at the next flush.")
    public Response redeliver(@PathParam("merchantId") UUID merchantId, @PathParam("batchId") UUID batchId) {
        deliveries.redeliver(merchantId, batchId);
        return Response.accepted().build();
    }

    @POST
    @Path("/replay")
    @Operation(summary = "Send again everything of a time range (by status date, at most 31 days) that already went out.")
    public Response replay(@PathParam("merchantId") UUID merchantId, ReplayRequest body) {
        ReplayRequest r = body == null ? new ReplayRequest(null, null) : body;
        return Response.accepted(new ReplayResult(deliveries.replay(merchantId, r.from(), r.to()))).build();
    }

    @POST
    @Path("/test")
    @Operation(summary = "Send a test callback of one made-up item now; 200 when the endpoint answered 2xx, else 409.")
    public Response test(@PathParam("merchantId") UUID merchantId, TestCallbackRequest body) {
        String status = body == null || body.status() == null ? "Paid" : body.status();
        if (!STATUSES.contains(status)) {
            throw CallbackErrors.input(CallbackErrors.FIELD_REQUIRED, "Status must be one of " + STATUSES + ".");
        }
        Deliveries.TestResult result = deliveries.sendTest(merchantId, status);
        if (!result.delivered()) {
            throw CallbackErrors.conflict(CallbackErrors.TEST_CALLBACK_FAILED,
                    "There was an error sending the test callback: " + result.error());
        }
        return Response.ok(result).build();
    }
}
