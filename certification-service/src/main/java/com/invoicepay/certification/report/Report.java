package com.invoicepay.certification.report;

import io.quarkus.qute.TemplateData;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A run's report (step 4): every case of the catalog with its result, the checklist item it
 * verifies, and its evidence. The same record is served as JSON, HTML and JUnit XML; an approved
 * run's JSON is frozen and signed.
 *
 * @param result CERTIFIED (approved), NOT_CERTIFIED (a case failed, or the run was cancelled) or IN_PROGRESS
 */
@TemplateData
public record Report(String format, UUID runId, String integratorId, String sandboxClientId, String productionClientId,
                     String clientSystemName, String clientVersion, String majorMinor, String catalogVersion,
                     String runStatus, String result, Instant generatedAt, Summary summary, List<CaseResult> cases,
                     Certificate certificate) {
    public static final String FORMAT = "invoicepay-certification-report/1";

    @TemplateData
    public record Summary(long passed, long warning, long failed, long review, long skipped, long pending) {
    }

    /**
     * @param result PASSED, WARNING, FAILED, REVIEW, SKIPPED, or PENDING while the run is in progress
     */
    @TemplateData
    public record CaseResult(String id, String feature, String title, String checklist, String result, String reason,
                             Instant judgedAt, List<Evidence> evidence) {
    }

    /**
     * An observed call or event (or a command sent, a review, a timeout) and how it fared; {@code repeats} more calls
     * like it were observed and not listed, the last at {@code lastRepeatAt}.
     */
    @TemplateData
    public record Evidence(String assertion, String outcome, String source, String type, UUID eventId, Instant occurredAt,
                           String correlationId, String method, String route, Integer status, UUID invoiceId, String reason,
                           long repeats, Instant lastRepeatAt) {
    }

    @TemplateData
    public record Certificate(UUID id, String productionClientId, String clientSystemName, String majorMinor, Instant issuedAt) {
    }
}
