package com.invoicepay.invoice.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.List;
import java.util.UUID;

/** An invoice issuer: the merchant's sender of invoices and the payment point of their payments. */
@Entity
@Table(name = "invoice_issuer")
public class InvoiceIssuer extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(name = "merchant_id", nullable = false)
    public UUID merchantId;

    public String name;

    @Column(name = "account_type")
    public String accountType;

    public String status;
    public String address;
    public String city;

    @Column(name = "zip_code")
    public String zipCode;

    public static Uni<List<InvoiceIssuer>> ofMerchant(UUID merchantId) {
        return list("merchantId = ?1 order by name", merchantId);
    }
}
