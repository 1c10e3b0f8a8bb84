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

/** An observed api-activity record that a case's assertion concerned, and how it fared: the evidence of a verdict. */
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
    /** MATCHED, MISMATCHED or OTHER_STATUS (see CallJudge.Outcome). */
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
    public int status;
    /** JSON object. */
    @Column(name = "observed_values")
    public String observedValues;
    public String reason;

    public static Uni<List<CaseEvidence>> ofRun(UUID runId) {
        return list("runId = ?1 order by occurredAt, id", runId);
    }

    public static Uni<List<CaseEvidence>> matched(UUID runId, int ordinal) {
        return list("runId = ?1 and ordinal = ?2 and outcome = 'MATCHED'", runId, ordinal);
    }
}
