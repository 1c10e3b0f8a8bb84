package com.invoicepay.certification.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A certificate: production client + client system name + Major.Minor. Never changed but by a retraction. */
@Entity
@Table(name = "certificate")
public class Certificate extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "run_id")
    public UUID runId;
    @Column(name = "integrator_id")
    public String integratorId;
    @Column(name = "production_client_id")
    public String productionClientId;
    @Column(name = "client_system_name")
    public String clientSystemName;
    @Column(name = "major_minor")
    public String majorMinor;
    @Column(name = "certified_version")
    public String certifiedVersion;
    /** VALID or RETRACTED (CertificationChanged). */
    public String state;
    @Column(name = "issued_at")
    public Instant issuedAt;
    @Column(name = "retracted_at")
    public Instant retractedAt;
    @Column(name = "retraction_reason")
    public String retractionReason;
    @Column(name = "retracted_by")
    public String retractedBy;
}
