package com.invoicepay.invoice.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** An invoice and where it stands; every change of {@link #status} is announced on invoice-events. */
@Entity
@Table(name = "invoice")
public class Invoice extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "merchant_id")
    public UUID merchantId;
    @Column(name = "issuer_id")
    public UUID issuerId;
    /** Direct or Link. */
    public String kind;
    /** Wire value: Created, Invalid, Accepted, Paid, Rejected, Expired, Canceled. */
    public String status;
    /** Sequence of the last status event: 0 for the first. */
    public int sequence;
    @Column(name = "status_date")
    public Instant statusDate;
    @Column(name = "consumer_phone")
    public String consumerPhone;
    @Column(name = "consumer_name")
    public String consumerName;
    @Column(name = "total_amount")
    public BigDecimal totalAmount;
    @Column(name = "total_vat_amount")
    public BigDecimal totalVatAmount;
    public String currency;
    @Column(name = "invoice_number")
    public String invoiceNumber;
    @Column(name = "payment_reference")
    public String paymentReference;
    @Column(name = "issue_date")
    public LocalDate issueDate;
    @Column(name = "due_date")
    public LocalDate dueDate;
    @Column(name = "order_date")
    public LocalDate orderDate;
    @Column(name = "delivery_date")
    public LocalDate deliveryDate;
    public String comment;
    @Column(name = "merchant_contact_name")
    public String merchantContactName;
    @Column(name = "merchant_order_number")
    public String merchantOrderNumber;
    @Column(name = "buyer_order_number")
    public String buyerOrderNumber;
    @Column(name = "invoice_url")
    public String invoiceUrl;
    @Column(name = "redirect_url")
    public String redirectUrl;
    /** JSON array of strings (text: stored and returned whole, never queried). */
    @Column(name = "consumer_address_lines")
    public String consumerAddressLines;
    @Column(name = "delivery_address_lines")
    public String deliveryAddressLines;
    /** JSON array of the articles as given (InvoiceArticleModel). */
    public String articles;
    /** The scheduled payment date once Accepted; the day paid once Paid. */
    @Column(name = "payment_date")
    public LocalDate paymentDate;
    @Column(name = "card_id")
    public UUID cardId;
    @Column(name = "payment_transaction_id")
    public String paymentTransactionId;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "error_message")
    public String errorMessage;
    /** Unguessable token of the payer page of a link invoice. */
    @Column(name = "link_token")
    public String linkToken;
    @Column(name = "batch_id")
    public UUID batchId;
    /** SHA-256 of the normalized request: an identical request is refused (10104). */
    @Column(name = "request_hash")
    public String requestHash;
    @Column(name = "created_at")
    public Instant createdAt;
    /** The issuer's local day of creation, for the daily limit per consumer. */
    @Column(name = "created_on")
    public LocalDate createdOn;
}
