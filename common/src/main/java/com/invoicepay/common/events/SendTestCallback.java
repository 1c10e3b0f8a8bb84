package com.invoicepay.common.events;

/**
 * Payload of a {@code callback-commands} record (schema version 1), envelope type {@link #TYPE}, key
 * merchantId: certification-service asks callback-service for a made-up callback of {@code status}
 * (Paid when absent); the outcome comes back on {@code callback-events} as a {@link CallbackEvent}.
 */
public record SendTestCallback(String status) {
    public static final String TYPE = "SendTestCallback";
    public static final int SCHEMA_VERSION = 1;
}
