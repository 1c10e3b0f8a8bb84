package com.invoicepay.certification.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a case's assertion concerned, and how it fared: an observed api-activity call, an event of
 * invoice-events or callback-events, a command sent, a review decision, or a timeout. The evidence of a verdict.
 */
@Entity
@Table(name = "case_evidence")
public class CaseEvidence extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "run_id")
    public UUID runId;
    public int ordinal;
    @Column(name = "assertion_index")
    public int assertionIndex;
    /** See CaseRules.Outcomes. */
    public String outcome;
    @Column(name = "event_id")
    public UUID eventId;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    @Column(name = "correlation_id")
    public String correlationId;
    @Column(name = "merchant_id")
    public UUID merchantId;
    public String method;
    public String route;
    public Integer status;
    /** api-activity, invoice-events, callback-events, callback-commands, review or timeout. */
    public String source;
    @Column(name = "event_type")
    public String eventType;
    @Column(name = "invoice_id")
    public UUID invoiceId;
    @Column(name = "session_id")
    public String sessionId;
    @Column(name = "token_issued_at")
    public Instant tokenIssuedAt;
    /** JSON object. */
    @Column(name = "observed_values")
    public String observedValues;
    public String reason;
    /** How many more calls like this one were observed and not listed (ApiActivityJudge keeps a few samples). */
    public long repeats;
    /** When the last of those was observed. */
    @Column(name = "last_repeat_at")
    public Instant lastRepeatAt;

    public static Uni<List<CaseEvidence>> ofRun(UUID runId) {
        return list("runId = ?1 order by occurredAt, id", runId);
    }

    public static Uni<List<CaseEvidence>> ofCase(UUID runId, int ordinal) {
        return list("runId = ?1 and ordinal = ?2 order by occurredAt, id", runId, ordinal);
    }

    /** The commands this service sent with these event ids (callback-events answer by commandId). */
    public static Uni<List<CaseEvidence>> sentCommand(UUID commandId) {
        return list("eventId = ?1 and outcome = 'SENT'", commandId);
    }
}
