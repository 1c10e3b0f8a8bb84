package com.invoicepay.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * Payload of every status event on {@code invoice-events} (schema version 1). The envelope type
 * names the new status: {@code InvoiceCreated}, {@code InvoiceInvalid}, {@code InvoiceAccepted},
 * {@code InvoicePaid}, {@code InvoiceRejected}, {@code InvoiceExpired}, {@code InvoiceCanceled}.
 * Callback-service turns it into a callback item; report-service books Paid into the ledger.
 *
 * @param status               wire value: Created, Invalid, Accepted, Paid, Rejected, Expired, Canceled
 * @param date                 when the status was reached (callbacks sort by it, then by sequence)
 * @param sequence             0, 1, 2 … per invoice
 * @param kind                 Direct or Link
 * @param paymentDate          the scheduled payment date (Accepted) or the date paid (Paid)
 * @param paymentTransactionId the payment's transaction id (Paid)
 * @param errorCode            why it is Invalid
 * @param links                the payer links of a link-batch invoice (its Created event)
 * @param batchId              the batch it came in, if any
 * @param issuer               the invoice issuer (payment point) as it was at the event: report-service
 *                             needs its transfer method and country without reading invoice-service's tables
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvoiceStatusChanged(
        UUID invoiceId,
        UUID invoiceIssuerId,
        String status,
        Instant date,
        long sequence,
        String kind,
        BigDecimal totalAmount,
        String currency,
        String invoiceNumber,
        String paymentReference,
        LocalDate paymentDate,
        String paymentTransactionId,
        String errorCode,
        String errorMessage,
        List<Link> links,
        UUID batchId,
        Issuer issuer) {

    public static final int SCHEMA_VERSION = 1;

    /** The envelope type of a status: {@code Paid} → {@code InvoicePaid}. */
    public static String typeOf(String status) {
        return "Invoice" + status;
    }

    public record Link(String rel, String href) {
    }

    /**
     * @param country        DK or FI; the payment point's day is in Europe/Copenhagen or Europe/Helsinki
     * @param transferMethod Instant or Daily
     */
    public record Issuer(String name, String country, String transferMethod) {
        public java.time.ZoneId zone() {
            return "FI".equals(country) ? java.time.ZoneId.of("Europe/Helsinki") : java.time.ZoneId.of("Europe/Copenhagen");
        }
    }
}
