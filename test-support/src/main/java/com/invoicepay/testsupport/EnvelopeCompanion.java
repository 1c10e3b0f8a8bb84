package com.invoicepay.testsupport;

import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** A Kafka companion on the local broker that reads and writes event envelopes. */
public final class EnvelopeCompanion {
    private EnvelopeCompanion() {
    }

    /**
     * Records that are not envelopes (other tests share the test- topics) read as null, as the services'
     * consumers skip them, instead of failing the consumer task.
     */
    public static KafkaCompanion tolerant() {
        KafkaCompanion kafka = new KafkaCompanion("127.0.0.1:9092");
        EnvelopeDeserializer envelopes = new EnvelopeDeserializer();
        kafka.registerSerde(EventEnvelope.class, new EnvelopeSerializer(), (topic, data) -> {
            try {
                return envelopes.deserialize(topic, data);
            } catch (RuntimeException notAnEnvelope) {
                return null;
            }
        });
        return kafka;
    }
}
