package com.invoicepay.common.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for {@link EventEnvelope}: UTF-8 JSON. */
public class EnvelopeSerializer implements Serializer<EventEnvelope> {
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
}
