package com.invoicepay.common.messaging;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/**
 * An event a consumer has already applied. Every service's database has this table (its own
 * Flyway migration); a consumer inserts the row in the same transaction as the effect, so a
 * redelivered event finds it and changes nothing.
 */
@Entity
@Table(name = "processed_event")
@IdClass(ProcessedEvent.Key.class)
public class ProcessedEvent {
    @Id
    @Column(name = "consumer")
    public String consumer;

    @Id
    @Column(name = "event_id")
    public UUID eventId;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    @Column(name = "processed_at", nullable = false)
    public Instant processedAt;

    public record Key(String consumer, UUID eventId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
