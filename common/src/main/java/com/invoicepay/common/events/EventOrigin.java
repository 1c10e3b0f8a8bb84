package com.invoicepay.common.events;

/**
 * Who caused an event: the API call's correlation id and client, copied into the envelope so that
 * certification can attribute events to a client version and traces can be followed by id.
 */
public record EventOrigin(String correlationId, String clientId, String clientSystemName, String clientVersion) {
    /** For events no API call caused (a scheduled expiry, a night transfer). */
    public static final EventOrigin NONE = new EventOrigin(null, null, null, null);
}
