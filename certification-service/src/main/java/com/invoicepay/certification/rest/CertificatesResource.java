package com.invoicepay.certification.rest;

import com.invoicepay.certification.persistence.Certificate;
import com.invoicepay.certification.persistence.CertificateHistory;
import com.invoicepay.certification.service.CertificateService;
import com.invoicepay.certification.service.CertificationErrors;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Certificates: listed with their history (issued, retracted), the version rule (does a certificate
 * cover this Major.Minor.Build?), and retraction by an administrator. An integrator sees its own
 * certificates; an administrator every one.
 */
@Path("/api/v1/certification/certificates")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Self-certification")
public class CertificatesResource {
    public record HistoryView(String type, UUID eventId, Instant occurredAt, String actor, String reason) {
    }

    public record CertificateView(UUID id, UUID runId, String integratorId, String productionClientId, String clientSystemName,
                                  String majorMinor, String certifiedVersion, String state, Instant issuedAt,
                                  Instant retractedAt, String retractionReason, List<HistoryView> history) {
    }

    public record CoverageView(boolean covered, String reason, CertificateView certificate) {
    }

    private final CertificateService certificates;
    private final Callers callers;

    public CertificatesResource(CertificateService certificates, Callers callers) {
        this.certificates = certificates;
        this.callers = callers;
    }

    @GET
    @Authenticated
    @WithSession
    @Operation(summary = "Certificates (optionally of one production client), each with its history.")
    public Uni<List<CertificateView>> list(@QueryParam("productionClientId") String productionClientId) {
        String integrator = callers.admin() ? null : callers.integrator();
        if (!callers.admin() && integrator == null) {
            return Uni.createFrom().item(List.of()); // a token of no integrator owns no certificate
        }
        StringBuilder q = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (integrator != null) {
            q.append(" and integratorId = :integrator");
            params.put("integrator", integrator);
        }
        if (productionClientId != null) {
            q.append(" and productionClientId = :client");
            params.put("client", productionClientId);
        }
        return Certificate.<Certificate>list(q + " order by issuedAt", params).chain(certs -> histories(certs));
    }

    @GET
    @Path("/{certificateId}")
    @Authenticated
    @WithSession
    @Operation(summary = "A certificate with its history.")
    public Uni<CertificateView> get(@PathParam("certificateId") UUID id) {
        return certificates.find(id).map(this::owned).chain(c -> histories(List.of(c))).map(l -> l.get(0));
    }

    @GET
    @Path("/coverage")
    @Authenticated
    @WithSession
    @Operation(summary = "Whether a valid certificate covers a production client's system version (same Major.Minor, any build).")
    public Uni<CoverageView> coverage(@QueryParam("productionClientId") String productionClientId,
                                      @QueryParam("clientSystemName") String clientSystemName,
                                      @QueryParam("clientVersion") String clientVersion) {
        return certificates.coverage(productionClientId, clientSystemName, clientVersion)
                .chain(c -> c.certificate() == null ? Uni.createFrom().item(new CoverageView(false, c.reason(), null))
                        : histories(List.of(c.certificate())).map(v -> new CoverageView(true, c.reason(), v.get(0))));
    }

    @POST
    @Path("/{certificateId}/retraction")
    @Authenticated
    @WithTransaction
    @Operation(summary = "An administrator retracts a certificate {reason}; announced on certification-events and kept in the history.")
    public Uni<CertificateView> retract(@PathParam("certificateId") UUID id, CertificateService.Retraction body) {
        callers.requireAdmin();
        return certificates.retract(id, body, callers.actor())
                .chain(c -> Panache.flush().replaceWith(c))
                .chain(c -> histories(List.of(c))).map(l -> l.get(0));
    }

    private Certificate owned(Certificate c) {
        if (!callers.admin() && !c.integratorId.equals(callers.integrator())) {
            throw new ApiException(404, ErrorKind.InputError, CertificationErrors.CERTIFICATE_NOT_FOUND, "Certificate " + c.id + " was not found.");
        }
        return c;
    }

    private Uni<List<CertificateView>> histories(List<Certificate> certs) {
        if (certs.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return CertificateHistory.<CertificateHistory>list("certificateId in ?1 order by occurredAt", certs.stream().map(c -> c.id).toList())
                .map(history -> certs.stream().map(c -> new CertificateView(c.id, c.runId, c.integratorId, c.productionClientId,
                        c.clientSystemName, c.majorMinor, c.certifiedVersion, c.state, c.issuedAt, c.retractedAt, c.retractionReason,
                        history.stream().filter(h -> h.certificateId.equals(c.id))
                                .map(h -> new HistoryView(h.eventType, h.eventId, h.occurredAt, h.actor, h.reason)).toList())).toList());
    }
}
