package com.invoicepay.certification.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** One certification of one client version: who identified it, what was selected, its run-specific values. */
@Entity
@Table(name = "certification_run")
public class CertificationRun extends PanacheEntityBase {
    public static final String IDENTIFIED = "IDENTIFIED";
    public static final String SELECTED = "SELECTED";
    /** Every case passed and the report was signed; a certificate was issued. Final. */
    public static final String APPROVED = "APPROVED";
    /** Cancelled by its integrator or an administrator; open cases SKIPPED. Final. */
    public static final String CANCELLED = "CANCELLED";

    @Id
    public UUID id;
    @Column(name = "integrator_id")
    public String integratorId;
    @Column(name = "sandbox_client_id")
    public String sandboxClientId;
    @Column(name = "production_client_id")
    public String productionClientId;
    @Column(name = "client_system_name")
    public String clientSystemName;
    @Column(name = "client_version")
    public String clientVersion;
    @Column(name = "major_minor")
    public String majorMinor;
    public String status;
    @Column(name = "catalog_version")
    public String catalogVersion;
    public String features;
    public BigDecimal amount;
    public String currency;
    @Column(name = "payment_reference")
    public String paymentReference;
    @Column(name = "invoice_number")
    public String invoiceNumber;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "selected_at")
    public Instant selectedAt;
    /** The merchant first seen in the run's traffic: test callbacks are sent to its endpoint. */
    @Column(name = "merchant_id")
    public UUID merchantId;
    @Column(name = "finished_at")
    public Instant finishedAt;
    /** The approved report: the exact signed UTF-8 JSON. */
    public String report;
    /** JWS compact serialization of {@link #report}. */
    @Column(name = "report_jws")
    public String reportJws;

    public List<String> featureList() {
        return features == null || features.isBlank() ? List.of() : Arrays.asList(features.split(","));
    }
}
