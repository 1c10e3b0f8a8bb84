package com.invoicepay.certification.onboarding;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A redirect URI an app asked for; only APPROVED ones are registered on the Keycloak client. */
@Entity
@Table(name = "redirect_uri")
public class RedirectUri extends PanacheEntityBase {
    public static final String PENDING = "PENDING";
    public static final String APPROVED = "APPROVED";
    public static final String REJECTED = "REJECTED";

    @Id
    public UUID id;
    @Column(name = "app_id")
    public UUID appId;
    public String uri;
    public String status;
    @Column(name = "requested_at")
    public Instant requestedAt;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "decided_at")
    public Instant decidedAt;
    @Column(name = "decided_by")
    public String decidedBy;
    public String reason;
}
