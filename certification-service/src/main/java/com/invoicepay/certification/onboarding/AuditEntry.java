package com.invoicepay.certification.onboarding;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** One administrative act of onboarding: who, what, when, on which integrator and app. Never holds a secret. */
@Entity
@Table(name = "onboarding_audit")
public class AuditEntry extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    public String actor;
    public String action;
    @Column(name = "integrator_id")
    public String integratorId;
    @Column(name = "app_id")
    public UUID appId;
    @Column(name = "client_id")
    public String clientId;
    public String detail;
}
