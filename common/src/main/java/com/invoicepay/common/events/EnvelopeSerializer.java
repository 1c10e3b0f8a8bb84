package com.invoicepay.common.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;

/**
 * Kafka value serializer for {@link EventEnvelope}: UTF-8 JSON. The envelope's client id, client system
 * name and client version are also record headers, so a consumer that only wants some clients' records
 * (certification's judge) drops the others without parsing them.
 */
public class EnvelopeSerializer implements Serializer<EventEnvelope> {
    public static final String CLIENT_ID = "clientId";
    public static final String CLIENT_SYSTEM_NAME = "clientSystemName";
    public static final String CLIENT_VERSION = "clientVersion";

    @Override
    public byte[] serialize(String topic, EventEnvelope envelope) {
        if (envelope == null) {
            return null;
        }
        try {
            return EventJson.MAPPER.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new SerializationException("cannot serialize event " + envelope.eventId(), e);
        }
    }

    @Override
    public byte[] serialize(String topic, Headers headers, EventEnvelope envelope) {
        if (envelope != null && headers != null) {
            header(headers, CLIENT_ID, envelope.clientId());
            header(headers, CLIENT_SYSTEM_NAME, envelope.clientSystemName());
            header(headers, CLIENT_VERSION, envelope.clientVersion());
        }
        return serialize(topic, envelope);
    }

    /** Set once: a producer sending the same record again (a retry by the caller) must not add a second one. */
    private static void header(Headers headers, String name, String value) {
        if (value != null && headers.lastHeader(name) == null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
