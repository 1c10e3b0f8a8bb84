package com.invoicepay.invoice.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/** A test card of a sandbox consumer; one that always fails makes a scheduled payment expire. */
@Entity
@Table(name = "consumer_card")
public class ConsumerCard extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(name = "consumer_id")
    public UUID consumerId;

    @Column(name = "masked_number")
    public String maskedNumber;

    @Column(name = "card_type")
    public String cardType;

    @Column(name = "always_fails")
    public boolean alwaysFails;
}
