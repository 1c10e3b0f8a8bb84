package com.invoicepay.report.rest;

import com.invoicepay.report.config.ReportConfig;
import com.invoicepay.report.ops.OpsSummary;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import static com.invoicepay.report.rest.ReportingErrors.badRequest;

/** Operators (realm role admin): the ops dashboard's figures as JSON, for other dashboards. */
@Path("/api/v1/ops")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Ops dashboard")
public class OpsResource {
    static final int DEFAULT_DAYS = 7;

    private final OpsSummary summary;
    private final int maxDays;

    public OpsResource(OpsSummary summary, ReportConfig config) {
        this.summary = summary;
        this.maxDays = config.ops().maxDays();
    }

    @GET
    @Path("summary")
    @RolesAllowed("admin")
    @Operation(summary = "Per UTC day up to today: invoices created, paid, expired, canceled; amounts paid and transferred; "
            + "callback deliveries; reconciliation match rate (role admin). Today's figures are also the report_ops_* gauges")
    public Uni<OpsSummary.Summary> summary(@QueryParam("days") String days) {
        return summary.lastDays(days(days, maxDays));
    }

    /** The number of days asked for: an integer from 1 to {@code maxDays}, 7 when absent. */
    static int days(String days, int maxDays) {
        if (days == null) {
            return DEFAULT_DAYS;
        }
        try {
            int n = Integer.parseInt(days.trim());
            if (n >= 1 && n <= maxDays) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below like an out-of-range number
        }
        throw badRequest(ReportingErrors.BAD_DAYS, "days must be an integer from 1 to " + maxDays);
    }
}
