package com.invoicepay.common.events;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;

/**
 * Kafka value deserializer for {@link EventEnvelope}. Unknown fields are ignored; a record that is
 * not an envelope at all raises {@link SerializationException}, which the connector's
 * deserialization-failure handling turns into a skipped (logged) record instead of a stuck partition.
 */
public class EnvelopeDeserializer implements Deserializer<EventEnvelope> {
    @Override
    public EventEnvelope deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return EventJson.MAPPER.readValue(data, EventEnvelope.class);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("record on " + topic + " is not an event envelope", e);
        }
    }
}
