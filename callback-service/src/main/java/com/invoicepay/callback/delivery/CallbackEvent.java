package com.invoicepay.callback.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.UUID;

/**
 * Payload of {@code callback-events} (schema version 1), key merchantId. Envelope types:
 * {@code CallbackBatchDelivered}, {@code CallbackBatchFailed} (a retry is scheduled at
 * {@code nextAttemptAt}), {@code CallbackBatchDeadLettered}, {@code CallbackBatchRedeliveryRequested},
 * {@code TestCallbackDelivered}, {@code TestCallbackFailed}.
 * (Belongs in common's events package next to the other payloads; kept here while common is frozen.)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallbackEvent(
        UUID batchId,
        String webhookId,
        int attempt,
        int itemCount,
        String url,
        Integer statusCode,
        String error,
        Long responseMillis,
        Instant nextAttemptAt,
        String requestedStatus) {
    public static final int SCHEMA_VERSION = 1;
}
