package com.invoicepay.callback.messaging;

import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An envelope produced the way invoice-service produces it (common's serializer, key merchantId)
 * travels through the real broker into callback-service's consumer, which applies it once and
 * recognises the redelivery as a duplicate through its processed-events table in PostgreSQL.
 */
@QuarkusTest
class InvoiceEventsRoundTripTest {
    record StatusChanged(UUID invoiceId, String status, long sequence) {
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "invoicepay.topic-prefix", defaultValue = "")
    String prefix;
    @Inject
    MeterRegistry metrics;

    private KafkaCompanion kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaCompanion(bootstrap);
        kafka.registerSerde(EventEnvelope.class, new EnvelopeSerializer(), new EnvelopeDeserializer());
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    private double consumed(String outcome) {
        var counter = metrics.find("events_consumed").tags("consumer", InvoiceEventsConsumer.CONSUMER, "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anEventIsAppliedOnceAndItsRedeliveryIsRecognised() {
        assertEquals("test-", prefix, "tests must not use the running stack's topics");
        UUID merchant = UUID.randomUUID();
        EventEnvelope event = EventEnvelope.of("InvoiceCreated", 1, Instant.now(), "invoice-service", merchant,
                new EventOrigin(UUID.randomUUID().toString(), "integrator-app", "ShopSys", "1.0.0"),
                new StatusChanged(UUID.randomUUID(), "Created", 0));
        double appliedBefore = consumed("applied");
        double duplicatesBefore = consumed("duplicate");

        kafka.produce(String.class, EventEnvelope.class)
                .fromRecords(new ProducerRecord<>(prefix + Topics.INVOICE_EVENTS, merchant.toString(), event))
                .awaitCompletion(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed("applied") == appliedBefore + 1);

        kafka.produce(String.class, EventEnvelope.class)
                .fromRecords(new ProducerRecord<>(prefix + Topics.INVOICE_EVENTS, merchant.toString(), event))
                .awaitCompletion(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed("duplicate") == duplicatesBefore + 1);
        assertEquals(appliedBefore + 1, consumed("applied"), "a redelivered event must not be applied again");
    }
}
