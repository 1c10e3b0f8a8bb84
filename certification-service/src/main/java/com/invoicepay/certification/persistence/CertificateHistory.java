package com.invoicepay.certification.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** One fact of a certificate's life (issued, retracted), as published on certification-events. Append-only. */
@Entity
@Table(name = "certificate_history")
public class CertificateHistory extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "certificate_id")
    public UUID certificateId;
    @Column(name = "event_type")
    public String eventType;
    @Column(name = "event_id")
    public UUID eventId;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    public String actor;
    public String reason;
}
