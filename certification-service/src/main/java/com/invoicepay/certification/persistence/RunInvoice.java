package com.invoicepay.certification.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** An invoice the run's client created or touched (from api-activity): its invoice-events belong to the run. */
@Entity
@Table(name = "run_invoice")
@IdClass(RunInvoice.Key.class)
public class RunInvoice extends PanacheEntityBase {
    public static class Key implements Serializable {
        public UUID runId;
        public UUID invoiceId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(k.runId, runId) && Objects.equals(k.invoiceId, invoiceId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(runId, invoiceId);
        }
    }

    @Id
    @Column(name = "run_id")
    public UUID runId;
    @Id
    @Column(name = "invoice_id")
    public UUID invoiceId;
}
