package com.invoicepay.invoice.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A payer's consent to receive InvoiceDirect from a merchant's issuer, asked for through an invoice. */
@Entity
@Table(name = "direct_invoice_consent")
public class DirectInvoiceConsent extends PanacheEntityBase {
    /** invoice.yaml {@code DirectInvoiceConsentState} values. */
    public static final int PENDING = 1, GRANTED = 2, DECLINED = 3, REVOKED = 4;

    @Id
    public UUID id;

    @Column(name = "merchant_id", nullable = false)
    public UUID merchantId;

    @Column(name = "issuer_id", nullable = false)
    public UUID issuerId;

    @Column(name = "invoice_id", nullable = false)
    public UUID invoiceId;

    /** The payer's phone, known once the invoice names it or the payer decided. */
    @Column(name = "phone_number")
    public String phoneNumber;

    public int state;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(name = "granted_on")
    public Instant grantedOn;

    @Column(name = "decided_at")
    public Instant decidedAt;
}
