package com.invoicepay.callback.messaging;

import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "invoicepay.topic-prefix", defaultValue = "")
    String prefix;
    @Inject
    MeterRegistry metrics;
    @Inject
    Pool pool;

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
        UUID invoice = UUID.randomUUID();
        EventEnvelope event = EventEnvelope.of("InvoiceCreated", 1, Instant.now(), "invoice-service", merchant,
                new EventOrigin(UUID.randomUUID().toString(), "integrator-app", "ShopSys", "1.0.0"),
                Map.of("invoiceId", invoice.toString(), "status", "Created", "date", Instant.now().toString(), "sequence", 0));
        double duplicatesBefore = consumed("duplicate");

        kafka.produce(String.class, EventEnvelope.class)
                .fromRecords(new ProducerRecord<>(prefix + Topics.INVOICE_EVENTS, merchant.toString(), event))
                .awaitCompletion(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(60)).until(() -> items(invoice) == 1);

        kafka.produce(String.class, EventEnvelope.class)
                .fromRecords(new ProducerRecord<>(prefix + Topics.INVOICE_EVENTS, merchant.toString(), event))
                .awaitCompletion(Duration.ofSeconds(10));
        // other modules' tests publish on the same test topic: counts only grow, the item is this event's own
        await().atMost(Duration.ofSeconds(60)).until(() -> consumed("duplicate") >= duplicatesBefore + 1);
        assertEquals(1, items(invoice), "a redelivered event must not be applied again");
    }

    @Test
    void anEventWithADateNoDatabaseCanStoreIsSkippedAndTheNextOneStillArrives() {
        UUID merchant = UUID.randomUUID();
        UUID absurd = UUID.randomUUID();
        UUID fine = UUID.randomUUID();
        EventOrigin origin = new EventOrigin(UUID.randomUUID().toString(), "integrator-app", "ShopSys", "1.0.0");
        // what a sandbox clock moved 10^11 days ahead once published: the whole channel stopped on it
        EventEnvelope beyond = EventEnvelope.of("InvoiceExpired", 1, Instant.now(), "invoice-service", merchant, origin,
                Map.of("invoiceId", absurd.toString(), "status", "Expired", "date", "+273792727-01-01T00:00:00Z", "sequence", 1));
        EventEnvelope next = EventEnvelope.of("InvoiceCreated", 1, Instant.now(), "invoice-service", merchant, origin,
                Map.of("invoiceId", fine.toString(), "status", "Created", "date", Instant.now().toString(), "sequence", 0));
        kafka.produce(String.class, EventEnvelope.class)
                .fromRecords(new ProducerRecord<>(prefix + Topics.INVOICE_EVENTS, merchant.toString(), beyond),
                        new ProducerRecord<>(prefix + Topics.INVOICE_EVENTS, merchant.toString(), next))
                .awaitCompletion(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(60)).until(() -> items(fine) == 1);
        assertEquals(0, items(absurd), "the unstorable status is not queued for a callback");
    }

    private long items(UUID invoice) {
        return pool.preparedQuery("select count(*) as n from pending_item where invoice_id = $1").execute(Tuple.of(invoice))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
    }
}
