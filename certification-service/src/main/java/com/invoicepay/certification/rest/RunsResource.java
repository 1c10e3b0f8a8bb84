package com.invoicepay.certification.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.certification.catalog.Catalog;
import com.invoicepay.certification.catalog.CatalogStore;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.certification.service.CaseService;
import com.invoicepay.certification.service.CertificateService;
import com.invoicepay.certification.service.RunService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.Authenticated;
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

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The steps of self-certification (seed 000): identification, selection, the run's cases (test
 * callbacks, declarations, reviews, cancelling) and approval. Identification is authenticated by the sandbox
 * client's access token in the body; reading and changing a run afterwards takes a bearer token of the
 * same integrator (claim {@code integrator_id}) or of an administrator (realm role {@code admin}).
 */
@Path("/api/v1/certification")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Self-certification")
public class RunsResource {
    public record FeatureSelection(List<String> features) {
    }

    public record RunValues(BigDecimal amount, String currency, String paymentReference, String invoiceNumber) {
    }

    public record CaseView(String id, String feature, String title, String checklist, String instruction,
                           String status, Instant judgedAt, String reason, String declaration, JsonNode assertions,
                           List<EvidenceView> evidence) {
    }

    /**
     * What a case's assertion concerned: a call, an event, a command sent, a review, a timeout. {@code repeats}: how
     * many more calls like this one (same assertion and outcome) were observed and not listed, the last at
     * {@code lastRepeatAt}.
     */
    public record EvidenceView(int assertion, String outcome, String source, String type, UUID eventId, Instant occurredAt,
                               String correlationId, UUID merchantId, String method, String route, Integer status,
                               UUID invoiceId, JsonNode values, String reason, long repeats, Instant lastRepeatAt) {
    }

    public record RunView(UUID id, String integratorId, String sandboxClientId, String productionClientId,
                          String clientSystemName, String clientVersion, String majorMinor, String status,
                          String catalogVersion, List<String> features, RunValues values, UUID merchantId,
                          Instant createdAt, Instant selectedAt, Instant finishedAt, List<CaseView> cases) {
    }

    private final RunService runs;
    private final CaseService cases;
    private final CertificateService certificates;
    private final CatalogStore catalogs;
    private final ObjectMapper json;
    private final Callers callers;

    public RunsResource(RunService runs, CaseService cases, CertificateService certificates, CatalogStore catalogs,
                        ObjectMapper json, Callers callers) {
        this.runs = runs;
        this.cases = cases;
        this.certificates = certificates;
        this.catalogs = catalogs;
        this.json = json;
        this.callers = callers;
    }

    @GET
    @Path("/catalog")
    @Operation(summary = "The feature catalog: features (Onboarding mandatory), their cases and each case's assertions.")
    public Catalog catalog() {
        return catalogs.catalog();
    }

    @POST
    @Path("/runs")
    @Operation(summary = "Step 1, identification: start a run for a client version, proven by a sandbox client's access token.")
    public Uni<Response> identify(RunService.Identification body) {
        return runs.identify(body).map(run -> Response.created(URI.create("/api/v1/certification/runs/" + run.id))
                .entity(view(run, List.of(), List.of())).build());
    }

    @GET
    @Path("/runs/{runId}")
    @Authenticated
    @WithSession
    @Operation(summary = "A run with its selected features, its cases, their instructions and status.")
    public Uni<RunView> get(@PathParam("runId") UUID runId) {
        return runs.find(runId).map(callers::owned).chain(runs::withCases).map(r -> view(r.run(), r.cases(), r.evidence()));
    }

    @PUT
    @Path("/runs/{runId}/features")
    @Authenticated
    @WithTransaction
    @Operation(summary = "Step 2, selection: the features to certify; mandatory ones are always included.")
    public Uni<RunView> select(@PathParam("runId") UUID runId, FeatureSelection body) {
        return runs.find(runId).map(callers::owned)
                .chain(run -> runs.select(run, body == null ? null : body.features()))
                .map(r -> view(r.run(), r.cases(), r.evidence()));
    }

    @POST
    @Path("/runs/{runId}/cancellation")
    @Consumes(MediaType.WILDCARD) // no body
    @Authenticated
    @WithTransaction
    @Operation(summary = "Cancel a run that is not finished; its open cases become SKIPPED.")
    public Uni<RunView> cancel(@PathParam("runId") UUID runId) {
        return runs.find(runId).map(callers::owned).chain(run -> cases.cancel(run, callers.actor()))
                .chain(runs::withCases).map(r -> view(r.run(), r.cases(), r.evidence()));
    }

    @POST
    @Path("/runs/{runId}/cases/{caseId}/commands")
    @Consumes(MediaType.WILDCARD) // no body
    @Authenticated
    @WithTransaction
    @Operation(summary = "Ask callback-service for the case's test callbacks (one per status) to the run's merchant endpoint.")
    public Uni<Response> sendCommands(@PathParam("runId") UUID runId, @PathParam("caseId") String caseId) {
        return runs.find(runId).map(callers::owned)
                .chain(run -> cases.findCase(run, caseId).chain(c -> cases.sendCommands(run, c)))
                .replaceWith(() -> Response.accepted().build());
    }

    @PUT
    @Path("/runs/{runId}/cases/{caseId}/declaration")
    @Authenticated
    @WithTransaction
    @Operation(summary = "The integrator's answer to a review case {text}; the case then waits for an administrator (REVIEW).")
    public Uni<RunView> declare(@PathParam("runId") UUID runId, @PathParam("caseId") String caseId, CaseService.Declaration body) {
        return runs.find(runId).map(callers::owned)
                .chain(run -> cases.findCase(run, caseId).map(c -> cases.declare(run, c, body)).replaceWith(run))
                .chain(runs::withCases).map(r -> view(r.run(), r.cases(), r.evidence()));
    }

    @PUT
    @Path("/runs/{runId}/cases/{caseId}/review")
    @Authenticated
    @WithTransaction
    @Operation(summary = "An administrator's decision on a declared review case: {decision: ACCEPTED|REJECTED, comment}.")
    public Uni<RunView> review(@PathParam("runId") UUID runId, @PathParam("caseId") String caseId, CaseService.Review body) {
        callers.requireAdmin();
        return runs.find(runId)
                .chain(run -> cases.findCase(run, caseId).chain(c -> cases.review(run, c, body, callers.actor())).replaceWith(run))
                .chain(runs::withCases).map(r -> view(r.run(), r.cases(), r.evidence()));
    }

    @POST
    @Path("/runs/{runId}/approval")
    @Consumes(MediaType.WILDCARD) // no body
    @Authenticated
    @WithTransaction
    @Operation(summary = "Step 4: approve a run whose every case passed; the report is signed and a certificate issued.")
    public Uni<Response> approve(@PathParam("runId") UUID runId) {
        return runs.findLocked(runId).map(callers::owned).chain(certificates::approve)
                .map(run -> Response.ok(run.report, MediaType.APPLICATION_JSON).build());
    }

    private RunView view(CertificationRun run, List<RunCase> cases, List<CaseEvidence> evidence) {
        return new RunView(run.id, run.integratorId, run.sandboxClientId, run.productionClientId, run.clientSystemName,
                run.clientVersion, run.majorMinor, run.status, run.catalogVersion, run.featureList(),
                new RunValues(run.amount, run.currency, run.paymentReference, run.invoiceNumber), run.merchantId,
                run.createdAt, run.selectedAt, run.finishedAt, cases.stream().map(c -> caseView(c, evidence.stream()
                .filter(e -> e.ordinal == c.key.ordinal).map(this::evidenceView).toList())).toList());
    }

    private EvidenceView evidenceView(CaseEvidence e) {
        return new EvidenceView(e.assertionIndex, e.outcome, e.source, e.eventType, e.eventId, e.occurredAt, e.correlationId,
                e.merchantId, e.method, e.route, e.status, e.invoiceId, tree(e.observedValues), e.reason, e.repeats, e.lastRepeatAt);
    }

    private JsonNode tree(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CaseView caseView(RunCase c, List<EvidenceView> evidence) {
        try {
            return new CaseView(c.caseId, c.feature, c.title, c.checklist, c.instruction, c.status, c.judgedAt, c.reason,
                    c.declaration, json.readTree(c.assertions), evidence);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
