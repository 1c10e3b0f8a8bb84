package com.invoicepay.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.UUID;

/**
 * Payload of {@code callback-events} (schema version 1), key merchantId. Envelope types:
 * {@code CallbackBatchDelivered}, {@code CallbackBatchFailed} (a retry is scheduled at
 * {@code nextAttemptAt}), {@code CallbackBatchDeadLettered}, {@code CallbackBatchRedeliveryRequested},
 * {@code TestCallbackDelivered}, {@code TestCallbackFailed} (with {@code commandId}, the eventId of the
 * {@code callback-commands} request, when one asked for it). Published by callback-service; read by
 * report-service (delivery success) and certification-service (test callbacks).
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
        String requestedStatus,
        UUID commandId) {
    public static final int SCHEMA_VERSION = 1;
    public static final String DELIVERED = "CallbackBatchDelivered";
    public static final String FAILED = "CallbackBatchFailed";
    public static final String DEAD_LETTERED = "CallbackBatchDeadLettered";
    public static final String REDELIVERY_REQUESTED = "CallbackBatchRedeliveryRequested";
    public static final String TEST_DELIVERED = "TestCallbackDelivered";
    public static final String TEST_FAILED = "TestCallbackFailed";
}
