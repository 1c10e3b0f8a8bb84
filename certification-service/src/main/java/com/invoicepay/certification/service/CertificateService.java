package com.invoicepay.certification.service;

import com.invoicepay.certification.catalog.CatalogStore;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.Certificate;
import com.invoicepay.certification.persistence.CertificateHistory;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.certification.report.Report;
import com.invoicepay.certification.report.ReportRenderer;
import com.invoicepay.certification.signing.SigningKeys;
import com.invoicepay.common.events.CertificationChanged;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.outbox.Outbox;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;

import static com.invoicepay.certification.service.CertificationErrors.*;

/**
 * Step 4 and what follows: approval (every case PASSED or WARNING → the report frozen and signed, a
 * certificate issued), retraction by an administrator, and the version rule (a certificate for
 * Major.Minor covers every build of it). Issuance and retraction go on {@code certification-events}
 * through the outbox in the same transaction, and into the certificate's history.
 */
@ApplicationScoped
public class CertificateService {
    private static final Logger LOG = Logger.getLogger(CertificateService.class);

    public record Retraction(String reason) {
    }

    public record Coverage(boolean covered, String reason, Certificate certificate) {
    }

    private final CatalogStore catalogs;
    private final SigningKeys keys;
    private final Outbox outbox;
    private final Clock clock;

    public CertificateService(CatalogStore catalogs, SigningKeys keys, Outbox outbox, Clock clock) {
        this.catalogs = catalogs;
        this.keys = keys;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Approves a run whose every case passed: certificate, signed report, event. In the caller's transaction. */
    public Uni<CertificationRun> approve(CertificationRun run) {
        if (!CertificationRun.SELECTED.equals(run.status)) {
            throw conflict(RUN_STATE_CONFLICT, "The run is " + run.status + "; only a SELECTED run can be approved.");
        }
        return RunCase.ofRun(run.id).chain(cases -> {
            List<String> notPassed = cases.stream().filter(c -> !CaseRules.PASSED.equals(c.status) && !CaseRules.WARNING.equals(c.status))
                    .map(c -> c.caseId + " " + c.status).toList();
            if (!notPassed.isEmpty()) {
                throw conflict(NOT_ALL_PASSED, "Not every case passed: " + String.join(", ", notPassed) + ".");
            }
            return lockCertificateKey(run).chain(() -> valid(run.productionClientId, run.clientSystemName, run.majorMinor)).chain(existing -> {
                if (existing.isPresent()) {
                    throw conflict(ALREADY_CERTIFIED, "Certificate " + existing.get().id + " already covers " + run.productionClientId
                            + " / " + run.clientSystemName + " " + run.majorMinor + ".x; a new major or minor needs a new run.");
                }
                Instant now = clock.instant();
                Certificate cert = new Certificate();
                cert.id = UUID.randomUUID();
                cert.runId = run.id;
                cert.integratorId = run.integratorId;
                cert.productionClientId = run.productionClientId;
                cert.clientSystemName = run.clientSystemName;
                cert.majorMinor = run.majorMinor;
                cert.certifiedVersion = run.clientVersion;
                cert.state = CertificationChanged.VALID;
                cert.issuedAt = now;
                run.status = CertificationRun.APPROVED;
                run.finishedAt = now;
                return CaseEvidence.ofRun(run.id).chain(evidence -> {
                    Report report = ReportRenderer.build(run, catalogs.catalog(), cases, evidence, new Report.Certificate(cert.id,
                            cert.productionClientId, cert.clientSystemName, cert.majorMinor, cert.issuedAt), now);
                    byte[] json = ReportRenderer.json(report);
                    run.report = new String(json, StandardCharsets.UTF_8);
                    run.reportJws = keys.sign(json);
                    LOG.infof("run %s approved: certificate %s for %s / %s %s", run.id, cert.id, cert.productionClientId,
                            cert.clientSystemName, cert.majorMinor);
                    return cert.<Certificate>persist().chain(() -> publish(cert, CertificationChanged.CERTIFIED, now, run.integratorId, null));
                });
            });
        }).replaceWith(run);
    }

    /**
     * Two runs of the same production client, system and Major.Minor approved at once take turns on
     * this lock (held until the transaction ends), so the second finds the first's certificate and gets
     * 409 instead of breaking the one-valid-certificate index with a 500.
     */
    private static Uni<Void> lockCertificateKey(CertificationRun run) {
        String key = run.productionClientId + "\n" + run.clientSystemName + "\n" + run.majorMinor;
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtextextended(:key, 0))) locked", Integer.class)
                .setParameter("key", key).getSingleResult()).replaceWithVoid();
    }

    /** An administrator retracts a valid certificate with a reason. In the caller's transaction. */
    public Uni<Certificate> retract(UUID id, Retraction body, String administrator) {
        if (body == null || body.reason() == null || body.reason().isBlank()) {
            throw input(FIELD_REQUIRED, "reason is required: the integrator and the history read why.");
        }
        return find(id).chain(cert -> {
            if (!CertificationChanged.VALID.equals(cert.state)) {
                throw conflict(CERTIFICATE_RETRACTED, "Certificate " + id + " was retracted at " + cert.retractedAt + ".");
            }
            Instant now = clock.instant();
            cert.state = CertificationChanged.RETRACTED_STATE;
            cert.retractedAt = now;
            cert.retractionReason = body.reason().strip();
            cert.retractedBy = administrator;
            LOG.infof("certificate %s retracted by %s: %s", id, administrator, cert.retractionReason);
            return publish(cert, CertificationChanged.RETRACTED, now, administrator, cert.retractionReason).replaceWith(cert);
        });
    }

    public Uni<Certificate> find(UUID id) {
        return Certificate.<Certificate>findById(id).onItem().ifNull().failWith(() -> new ApiException(404, ErrorKind.InputError,
                CERTIFICATE_NOT_FOUND, "Certificate " + id + " was not found."));
    }

    /** Whether a valid certificate covers this version: the same Major.Minor, any build. */
    public Uni<Coverage> coverage(String productionClientId, String clientSystemName, String clientVersion) {
        if (productionClientId == null || clientSystemName == null || clientVersion == null) {
            throw input(FIELD_REQUIRED, "productionClientId, clientSystemName and clientVersion are required.");
        }
        Matcher v = RunService.VERSION.matcher(clientVersion.trim());
        if (!v.matches()) {
            throw input(VERSION_MALFORMED, "clientVersion '" + RunService.printable(clientVersion) + "' is not of the form Major.Minor.Build, e.g. 1.4.12.");
        }
        String majorMinor = v.group(1) + "." + v.group(2);
        return valid(productionClientId, clientSystemName, majorMinor).map(cert -> cert
                .map(c -> new Coverage(true, "certificate " + c.id + " covers every build of " + majorMinor, c))
                .orElseGet(() -> new Coverage(false, "no valid certificate for " + clientSystemName + " " + majorMinor
                        + ": version " + clientVersion + " needs a certification run", null)));
    }

    public Uni<Optional<Certificate>> valid(String productionClientId, String clientSystemName, String majorMinor) {
        return Certificate.<Certificate>find("productionClientId = ?1 and clientSystemName = ?2 and majorMinor = ?3 and state = ?4",
                productionClientId, clientSystemName, majorMinor, CertificationChanged.VALID).firstResult().map(Optional::ofNullable);
    }

    private Uni<Void> publish(Certificate cert, String type, Instant at, String actor, String reason) {
        CertificationChanged payload = new CertificationChanged(cert.id, cert.integratorId, cert.productionClientId,
                cert.clientSystemName, cert.majorMinor, cert.certifiedVersion, cert.state, at, reason);
        EventEnvelope event = EventEnvelope.of(type, CertificationChanged.SCHEMA_VERSION, at, "certification-service", null,
                EventOrigin.NONE, payload);
        CertificateHistory h = new CertificateHistory();
        h.id = UUID.randomUUID();
        h.certificateId = cert.id;
        h.eventType = type;
        h.eventId = event.eventId();
        h.occurredAt = at;
        h.actor = actor;
        h.reason = reason;
        return h.persist().chain(() -> Panache.getSession())
                .chain(session -> outbox.add(session, Topics.CERTIFICATION_EVENTS, cert.productionClientId, event));
    }
}
