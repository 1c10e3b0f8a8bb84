package com.invoicepay.common.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Payload of {@code ConsentChanged} on {@code invoice-events} (schema version 1): a direct-invoice
 * consent was requested, granted, declined or revoked. No personal data: the payer's phone stays in
 * invoice-service.
 *
 * @param state invoice.yaml's DirectInvoiceConsentState: 1 Pending, 2 Granted, 3 Declined, 4 Revoked
 */
public record ConsentChanged(UUID consentId, UUID invoiceId, UUID invoiceIssuerId, int state, Instant date) {
    public static final String TYPE = "ConsentChanged";
    public static final int SCHEMA_VERSION = 1;
}
