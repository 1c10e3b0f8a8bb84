package com.invoicepay.invoice.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/** An invoice issuer: the merchant's sender of invoices and the payment point of their payments. */
@Entity
@Table(name = "invoice_issuer")
public class InvoiceIssuer extends PanacheEntityBase {
    public static final ZoneId COPENHAGEN = ZoneId.of("Europe/Copenhagen"), HELSINKI = ZoneId.of("Europe/Helsinki");

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

    /** DK or FI: decides the currency, the amount limit and which day "today" is. */
    public String country;

    /** DKK for DK, EUR for FI. */
    public String currency;

    /** Instant or Daily (report-service transfers accordingly). */
    @Column(name = "transfer_method")
    public String transferMethod;

    /** Set once the account validation of the portal passed; invoices need it (10203). */
    public boolean enabled;

    @Column(name = "logo_url")
    public String logoUrl;

    /** The time zone of the issuer's country, with daylight saving: "today" and "day" are there. */
    public ZoneId zone() {
        return "FI".equals(country) ? HELSINKI : COPENHAGEN;
    }

    public static Uni<InvoiceIssuer> ofMerchant(UUID merchantId, UUID issuerId) {
        return find("id = ?1 and merchantId = ?2", issuerId, merchantId).firstResult();
    }

    public static Uni<List<InvoiceIssuer>> ofMerchant(UUID merchantId) {
        return list("merchantId = ?1 order by name", merchantId);
    }
}
