package com.invoicepay.report.rest;

import com.invoicepay.common.events.EventJson;
import com.invoicepay.report.config.ReportConfig;
import com.invoicepay.report.ops.OpsSummary;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The ops dashboard for operators (role admin): the figures of {@link OpsResource} rendered on the
 * server, charted in the browser by Chart.js served from the chart.js webjar (no CDN).
 */
@Path("/ops")
@Tag(name = "Ops dashboard")
public class OpsPageResource {
    private final Template opsPage;
    private final OpsSummary summary;
    private final int maxDays;

    public OpsPageResource(Template opsPage, OpsSummary summary, ReportConfig config) {
        this.opsPage = opsPage;
        this.summary = summary;
        this.maxDays = config.ops().maxDays();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed("admin")
    @Operation(summary = "The ops dashboard page (role admin): the last N UTC days, figures and charts")
    public Uni<TemplateInstance> page(@QueryParam("days") String days) {
        return summary.lastDays(OpsResource.days(days, maxDays)).map(s -> opsPage.data("summary", s)
                // the charts read the same figures; Jackson's JSON is safe inside a script element once '<' is escaped
                .data("figuresJson", json(s)));
    }

    private static String json(OpsSummary.Summary s) {
        try {
            return EventJson.MAPPER.writeValueAsString(s).replace("<", "\\u003c");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the ops summary is always serializable", e);
        }
    }
}
