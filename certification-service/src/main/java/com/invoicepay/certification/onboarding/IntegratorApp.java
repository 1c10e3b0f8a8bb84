package com.invoicepay.certification.onboarding;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** An integrator's app: a Keycloak client whose secret is kept only in Keycloak. */
@Entity
@Table(name = "integrator_app")
public class IntegratorApp extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "integrator_id")
    public String integratorId;
    public String name;
    /** sandbox or production: the client's attribute and claim {@code environment}. */
    public String environment;
    @Column(name = "client_id")
    public String clientId;
    @Column(name = "keycloak_id")
    public String keycloakId;
    /** Comma-separated subscribed APIs (their scope names), kept in step with the client's optional scopes. */
    public String subscriptions;
    @Column(name = "created_at")
    public Instant createdAt;

    public List<String> subscribedApis() {
        return subscriptions == null || subscriptions.isEmpty() ? List.of() : Arrays.asList(subscriptions.split(","));
    }

    public boolean production() {
        return Environment.PRODUCTION.wire().equals(environment);
    }
}
