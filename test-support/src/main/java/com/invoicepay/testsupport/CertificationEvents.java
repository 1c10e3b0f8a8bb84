package com.invoicepay.testsupport;

import com.invoicepay.common.events.CertificationChanged;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Certificates issued and retracted on the test topic, as certification-service publishes them,
 * for the production gate's tests in the services that enforce it.
 */
public final class CertificationEvents {
    private CertificationEvents() {
    }

    /** Publishes a certificate's state (VALID or RETRACTED) for a production client, system and Major.Minor. */
    public static void publish(UUID certificateId, String productionClientId, String clientSystemName,
                               String majorMinor, String state) {
        boolean valid = CertificationChanged.VALID.equals(state);
        Instant now = Instant.now();
        CertificationChanged payload = new CertificationChanged(certificateId, "integrator-1", productionClientId,
                clientSystemName, majorMinor, majorMinor + ".0", state, now, valid ? null : "retracted by a test");
        EventEnvelope envelope = EventEnvelope.of(valid ? CertificationChanged.CERTIFIED : CertificationChanged.RETRACTED,
                CertificationChanged.SCHEMA_VERSION, now, "certification-service", null, null, payload);
        try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092", ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new EnvelopeSerializer())) {
            producer.send(new ProducerRecord<>("test-" + Topics.CERTIFICATION_EVENTS, productionClientId, envelope))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to the test certification topic", e);
        }
    }
}
