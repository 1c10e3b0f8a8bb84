package com.invoicepay.certification.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.certification.catalog.Catalog;
import com.invoicepay.certification.catalog.CatalogStore;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.certification.service.CertificationErrors;
import com.invoicepay.certification.service.RunService;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
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
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Steps 1 and 2 of self-certification (seed 000). Identification is authenticated by the sandbox
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
                           String status, Instant judgedAt, String reason, JsonNode assertions, List<EvidenceView> evidence) {
    }

    /** An observed api-activity record a case's assertion concerned. */
    public record EvidenceView(int assertion, String outcome, UUID eventId, Instant occurredAt, String correlationId,
                               UUID merchantId, String method, String route, int status, JsonNode values, String reason) {
    }

    public record RunView(UUID id, String integratorId, String sandboxClientId, String productionClientId,
                          String clientSystemName, String clientVersion, String majorMinor, String status,
                          String catalogVersion, List<String> features, RunValues values, Instant createdAt,
                          Instant selectedAt, List<CaseView> cases) {
    }

    private final RunService runs;
    private final CatalogStore catalogs;
    private final ObjectMapper json;
    private final SecurityIdentity identity;

    public RunsResource(RunService runs, CatalogStore catalogs, ObjectMapper json, SecurityIdentity identity) {
        this.runs = runs;
        this.catalogs = catalogs;
        this.json = json;
        this.identity = identity;
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
        return runs.find(runId).map(this::owned).chain(runs::withCases).map(r -> view(r.run(), r.cases(), r.evidence()));
    }

    @PUT
    @Path("/runs/{runId}/features")
    @Authenticated
    @WithTransaction
    @Operation(summary = "Step 2, selection: the features to certify; mandatory ones are always included.")
    public Uni<RunView> select(@PathParam("runId") UUID runId, FeatureSelection body) {
        return runs.find(runId).map(this::owned)
                .chain(run -> runs.select(run, body == null ? null : body.features()))
                .map(r -> view(r.run(), r.cases(), r.evidence()));
    }

    /** The caller's integrator must be the run's, unless the caller is an administrator. */
    private CertificationRun owned(CertificationRun run) {
        if (identity.hasRole("admin")) {
            return run;
        }
        Object integrator = identity.getPrincipal() instanceof JsonWebToken jwt ? jwt.getClaim("integrator_id") : null;
        if (integrator == null || !run.integratorId.equals(integrator.toString().replace("\"", ""))) {
            throw new ApiException(403, ErrorKind.InputError, CertificationErrors.RUN_OTHER_INTEGRATOR,
                    "Certification run " + run.id + " belongs to another integrator.");
        }
        return run;
    }

    private RunView view(CertificationRun run, List<RunCase> cases, List<CaseEvidence> evidence) {
        return new RunView(run.id, run.integratorId, run.sandboxClientId, run.productionClientId, run.clientSystemName,
                run.clientVersion, run.majorMinor, run.status, run.catalogVersion, run.featureList(),
                new RunValues(run.amount, run.currency, run.paymentReference, run.invoiceNumber),
                run.createdAt, run.selectedAt, cases.stream().map(c -> caseView(c, evidence.stream()
                .filter(e -> e.ordinal == c.key.ordinal).map(this::evidenceView).toList())).toList());
    }

    private EvidenceView evidenceView(CaseEvidence e) {
        return new EvidenceView(e.assertionIndex, e.outcome, e.eventId, e.occurredAt, e.correlationId, e.merchantId,
                e.method, e.route, e.status, tree(e.observedValues), e.reason);
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
                    json.readTree(c.assertions), evidence);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
