package com.invoicepay.certification.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** A case of a run: the catalog's case with the run's values filled into instruction and assertions. */
@Entity
@Table(name = "run_case")
public class RunCase extends PanacheEntityBase {
    public static final String PENDING = "PENDING";
    /** A review case the integrator answered, waiting for an administrator. */
    public static final String REVIEW = "REVIEW";
    /** Not judged: its run was cancelled, or (in a report) its feature was not selected. */
    public static final String SKIPPED = "SKIPPED";

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "run_id")
        public UUID runId;
        public int ordinal;

        public Key() {
        }

        public Key(UUID runId, int ordinal) {
            this.runId = runId;
            this.ordinal = ordinal;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.ordinal == ordinal && Objects.equals(k.runId, runId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(runId, ordinal);
        }
    }

    @EmbeddedId
    public Key key;
    @Column(name = "case_id")
    public String caseId;
    public String feature;
    public String title;
    public String checklist;
    public String instruction;
    /** JSON array. */
    public String assertions;
    public String status;
    /** When the verdict was reached, and why (api-activity record named). */
    @Column(name = "judged_at")
    public java.time.Instant judgedAt;
    public String reason;
    /** The integrator's answer to a review case. */
    public String declaration;

    public boolean open() {
        return PENDING.equals(status) || REVIEW.equals(status);
    }

    public static Uni<List<RunCase>> ofRun(UUID runId) {
        return list("key.runId = ?1 order by key.ordinal", runId);
    }

    public static Uni<Long> deleteOfRun(UUID runId) {
        return delete("key.runId = ?1", runId);
    }
}
