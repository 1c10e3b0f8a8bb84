package com.invoicepay.report.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Payload of {@code TransferExecuted} on {@code report-events} (schema version 1, key merchantId).
 * Kept in report-service until common grows a record for it.
 *
 * @param method       Instant or Daily
 * @param businessDay  Daily: the day whose payments it carries (payment point's zone); null for Instant
 * @param transferDate the date of the transfer in the payment point's zone
 * @param entries      how many ledger entries (payments, fees, adjustments) it settles
 */
public record TransferExecuted(UUID transferId, UUID paymentPointId, String method, String reference,
                               BigDecimal amount, String currency, LocalDate businessDay, LocalDate transferDate,
                               Instant executedAt, int entries) {
    public static final String TYPE = "TransferExecuted";
    public static final int SCHEMA_VERSION = 1;
}
