package com.invoicepay.certification.rest;

import com.invoicepay.certification.catalog.CatalogStore;
import com.invoicepay.certification.persistence.Certificate;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.report.Report;
import com.invoicepay.certification.report.ReportRenderer;
import com.invoicepay.certification.service.CertificationErrors;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import com.invoicepay.certification.service.RunProgress;
import com.invoicepay.certification.service.RunService;
import com.invoicepay.certification.config.CertificationConfig;
import io.smallrye.mutiny.Multi;
import org.jboss.resteasy.reactive.RestStreamElementType;
import com.invoicepay.certification.signing.SigningKeys;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Step 4's report of a run as JSON, HTML and JUnit XML (for integrators' CI), and for an approved run
 * its JWS; the public keys that verify it; the run's live progress as server-sent events. An approved run's report is the frozen, signed one; any
 * other run's is built at the time of asking.
 */
@Path("/api/v1/certification")
@Tag(name = "Self-certification")
public class ReportsResource {
    static final String JOSE = "application/jose";

    private final RunService runs;
    private final CatalogStore catalogs;
    private final SigningKeys keys;
    private final ReportRenderer renderer;
    private final Callers callers;
    private final Clock clock;
    private final RunProgress progress;
    private final CertificationConfig config;

    public ReportsResource(RunService runs, CatalogStore catalogs, SigningKeys keys, ReportRenderer renderer, Callers callers, Clock clock,
                           RunProgress progress, CertificationConfig config) {
        this.progress = progress;
        this.config = config;
        this.runs = runs;
        this.catalogs = catalogs;
        this.keys = keys;
        this.renderer = renderer;
        this.callers = callers;
        this.clock = clock;
    }

    @GET
    @Path("/runs/{runId}/report")
    @Produces(MediaType.APPLICATION_JSON)
    @Authenticated
    @WithSession
    @Operation(summary = "The run's report as JSON: every case with result, checklist item and evidence (the signed bytes once approved).")
    public Uni<Response> json(@PathParam("runId") UUID runId) {
        return run(runId).chain(run -> run.report != null ? Uni.createFrom().item(run.report)
                        : build(run).map(r -> new String(ReportRenderer.json(r), java.nio.charset.StandardCharsets.UTF_8)))
                .map(body -> Response.ok(body, MediaType.APPLICATION_JSON).build());
    }

    @GET
    @Path("/runs/{runId}/report.html")
    @Produces(MediaType.TEXT_HTML)
    @Authenticated
    @WithSession
    @Operation(summary = "The run's report as an HTML page.")
    public Uni<String> html(@PathParam("runId") UUID runId) {
        return report(runId).map(renderer::html);
    }

    @GET
    @Path("/runs/{runId}/report.xml")
    @Produces(MediaType.APPLICATION_XML)
    @Authenticated
    @WithSession
    @Operation(summary = "The run's report as JUnit XML, one testcase per case, for CI.")
    public Uni<String> junit(@PathParam("runId") UUID runId) {
        return report(runId).map(ReportRenderer::junit);
    }

    @GET
    @Path("/runs/{runId}/report.jws")
    @Produces(JOSE)
    @Authenticated
    @WithSession
    @Operation(summary = "The approved report signed: JWS compact serialization, EdDSA, key id in the header (keys at /keys).")
    public Uni<Response> jws(@PathParam("runId") UUID runId) {
        return run(runId).map(run -> {
            if (run.reportJws == null) {
                throw CertificationErrors.conflict(CertificationErrors.RUN_STATE_CONFLICT, "The run is " + run.status + "; only an approved run's report is signed.");
            }
            return Response.ok(run.reportJws, JOSE).build();
        });
    }

    @GET
    @Path("/runs/{runId}/progress")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Authenticated
    @Operation(summary = "Server-sent events of a run: its cases (started), each observed call or event, each verdict; ends once the run is approved or cancelled.")
    @Blocking // the run is checked before the stream commits to 200, so a refusal is an ordinary error body
    public Multi<RunProgress.Progress> progress(@PathParam("runId") UUID runId) {
        String integrator = progress.integratorOf(runId).orElseThrow(() -> new ApiException(404, ErrorKind.InputError,
                CertificationErrors.RUN_NOT_FOUND, "Certification run " + runId + " was not found."));
        callers.owned(runId, integrator);
        return progress.stream(runId, config.progressInterval());
    }

    @GET
    @Path("/keys")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "The public keys (JWKS) that verify signed reports, current and rotated out.")
    public Map<String, List<Map<String, String>>> keys() {
        return keys.jwks();
    }

    private Uni<CertificationRun> run(UUID runId) {
        return runs.find(runId).map(callers::owned);
    }

    private Uni<Report> report(UUID runId) {
        return run(runId).chain(run -> run.report != null ? Uni.createFrom().item(ReportRenderer.read(run.report)) : build(run));
    }

    private Uni<Report> build(CertificationRun run) {
        return runs.withCases(run).chain(r -> Certificate.<Certificate>find("runId", run.id).firstResult().map(cert ->
                ReportRenderer.build(run, catalogs.catalog(), r.cases(), r.evidence(), cert == null ? null
                        : new Report.Certificate(cert.id, cert.productionClientId, cert.clientSystemName, cert.majorMinor, cert.issuedAt), clock.instant())));
    }
}
