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

    public List<String> featureList() {
        return features == null || features.isBlank() ? List.of() : Arrays.asList(features.split(","));
    }
}
