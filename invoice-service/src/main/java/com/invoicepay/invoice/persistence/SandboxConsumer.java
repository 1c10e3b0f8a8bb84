package com.invoicepay.invoice.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/** A payer of the sandbox, found by phone alias; its id is the user simulation's AuthenticatedUser. */
@Entity
@Table(name = "sandbox_consumer")
public class SandboxConsumer extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(name = "phone_number")
    public String phoneNumber;

    public String name;

    /** An unavailable consumer cannot receive invoices (10102). */
    public boolean available;

    public static Uni<SandboxConsumer> byPhone(String phoneNumber) {
        return find("phoneNumber", phoneNumber).firstResult();
    }
}
