package com.invoicepay.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The envelope every record on every topic carries (DESIGN.md "Events").
 *
 * @param eventId          the deduplication key of every consumer
 * @param type             e.g. {@code InvoicePaid}; with {@code schemaVersion} it says how to read the payload
 * @param schemaVersion    a breaking payload change is a new version, read side by side with the old one
 * @param occurredAt       when the change happened (UTC)
 * @param source           the publishing service
 * @param merchantId       the merchant the event concerns, if any
 * @param correlationId    of the API call that caused it, when one did
 * @param clientId         OAuth client of that API call, when one did
 * @param clientSystemName X-Client-System-Name of that call, when given
 * @param clientVersion    X-Client-System-Version (Major.Minor.Build) of that call, when given
 * @param payload          the type-specific body, a record of this module serialized as JSON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventEnvelope(
        UUID eventId,
        String type,
        int schemaVersion,
        Instant occurredAt,
        String source,
        UUID merchantId,
        String correlationId,
        String clientId,
        String clientSystemName,
        String clientVersion,
        JsonNode payload) {

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(source, "source");
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion starts at 1");
        }
    }

    /** A new envelope with a fresh event id around a payload record. */
    public static EventEnvelope of(String type, int schemaVersion, Instant occurredAt, String source,
                                   UUID merchantId, EventOrigin origin, Object payload) {
        EventOrigin o = origin == null ? EventOrigin.NONE : origin;
        return new EventEnvelope(UUID.randomUUID(), type, schemaVersion, occurredAt, source, merchantId,
                o.correlationId(), o.clientId(), o.clientSystemName(), o.clientVersion(),
                EventJson.MAPPER.valueToTree(payload));
    }

    /** Reads the payload as the record its type and schema version name. */
    public <T> T payloadAs(Class<T> payloadType) {
        try {
            return EventJson.MAPPER.treeToValue(payload, payloadType);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload of " + type + " v" + schemaVersion
                    + " is not a " + payloadType.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
