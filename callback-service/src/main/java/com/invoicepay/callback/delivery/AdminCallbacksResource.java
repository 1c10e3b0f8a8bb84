package com.invoicepay.callback.delivery;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.web.ApiException;
import jakarta.annotation.security.RolesAllowed;
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

import java.util.UUID;

/** Operators (realm role admin): every merchant's batches, redelivery, and (sandbox) a flush now. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class AdminCallbacksResource {
    private final Deliveries deliveries;
    private final BatchQueries queries;
    private final DeliveryJob job;
    private final boolean sandbox;

    public AdminCallbacksResource(Deliveries deliveries, BatchQueries queries, DeliveryJob job, PlatformConfig config) {
        this.deliveries = deliveries;
        this.queries = queries;
        this.job = job;
        this.sandbox = config.sandbox();
    }

    @GET
    @Path("api/v1/admin/callbacks/batches")
    @RolesAllowed("admin")
    @Operation(summary = "Callback batches of every merchant (or one), newest first (role admin)")
    public BatchQueries.BatchList batches(@QueryParam("merchantId") @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) String merchantId,
                                          @QueryParam("state") String state,
                                          @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, defaultValue = "100")) String limit) {
        return queries.list(BatchQueries.merchantFilter(merchantId), state, BatchQueries.limit(limit));
    }

    @GET
    @Path("api/v1/admin/callbacks/batches/{batchId}")
    @RolesAllowed("admin")
    @Operation(summary = "A callback batch with its items and attempts (role admin)")
    public BatchQueries.BatchDetails batch(@PathParam("batchId") UUID batchId) {
        return queries.details(null, batchId);
    }

    @POST
    @Path("api/v1/admin/callbacks/batches/{batchId}/redeliver")
    @RolesAllowed("admin")
    @Operation(summary = "Send a dead-lettered batch again (role admin)")
    public Response redeliver(@PathParam("batchId") UUID batchId) {
        UUID merchant = queries.details(null, batchId).merchantId();
        deliveries.redeliver(merchant, batchId);
        return Response.accepted().build();
    }

    public record AdminReplayRequest(UUID merchantId, java.time.Instant from, java.time.Instant to) {
    }

    @POST
    @Path("api/v1/admin/callbacks/replay")
    @RolesAllowed("admin")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a merchant's callbacks of a time range again (role admin)")
    public Response replay(AdminReplayRequest body) {
        if (body == null || body.merchantId() == null) {
            throw com.invoicepay.callback.CallbackErrors.input(com.invoicepay.callback.CallbackErrors.FIELD_REQUIRED, "MerchantId is required.");
        }
        return Response.accepted(new CallbacksResource.ReplayResult(deliveries.replay(body.merchantId(), body.from(), body.to()))).build();
    }

    @POST
    @Path("sandbox/callback-jobs/run")
    @RolesAllowed("admin")
    @Operation(summary = "Flush and deliver due callbacks now, e.g. after moving the clock (sandbox only, role admin)")
    public Deliveries.PassOutcome run() {
        if (!sandbox) {
            throw ApiException.unknownResource();
        }
        return job.runNow();
    }
}
