package com.invoicepay.callback.delivery;

import com.invoicepay.callback.Receiver;
import com.invoicepay.callback.TestSupport;
import com.invoicepay.callback.registration.Endpoints;
import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * A rough benchmark, off by default ({@code -Dbench=true}): ingestion rate through the broker, and
 * delivery rate of 100 000 pending items of 1 000 merchants to one local receiver, inside the test
 * JVM. The benchmark (wrk baseline, end to end through Kafka, latency at a steady rate,
 * resident memory) is the callback part of {@code bench/run} ({@code bench/CallbackBench.java}).
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "bench", matches = "true")
class DeliveryBench {
    @Inject
    Endpoints endpoints;
    @Inject
    DeliveryJob job;
    @Inject
    Pool pool;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "invoicepay.topic-prefix", defaultValue = "")
    String prefix;

    @Test
    void deliveryRate() throws Exception {
        int merchants = 1000, perMerchant = 100;
        try (Receiver receiver = new Receiver()) {
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < merchants; i++) {
                UUID m = UUID.randomUUID();
                ids.add(m);
                endpoints.registerApiKey(m, "k", receiver.url());
            }
            pool.preparedQuery("""
                            insert into pending_item (event_id, merchant_id, invoice_id, status, status_date, sequence, received_at)
                            select gen_random_uuid(), m, gen_random_uuid(), 'Created', now() - make_interval(secs => g), 0, now()
                            from unnest($1::uuid[]) m, generate_series(1, $2) g""")
                    .execute(Tuple.of(ids.toArray(UUID[]::new), perMerchant)).await().atMost(Duration.ofMinutes(2));
            long started = System.nanoTime();
            job.runNow();
            double seconds = (System.nanoTime() - started) / 1e9;
            long items = 0;
            for (Receiver.Request r : receiver.requests) {
                items += r.body().chars().filter(c -> c == '{').count();
            }
            System.out.printf("BENCH delivery: %d items in %d requests to one receiver in %.2f s = %.0f items/s%n",
                    items, receiver.requests.size(), seconds, items / seconds);
        }
    }

    @Test
    void ingestionRate() {
        int events = 10_000;
        UUID merchant = UUID.randomUUID();
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrap)) {
            kafka.registerSerde(EventEnvelope.class, new EnvelopeSerializer(), new EnvelopeDeserializer());
            List<ProducerRecord<String, EventEnvelope>> records = new ArrayList<>();
            Instant start = Instant.now().minusSeconds(events);
            for (int i = 0; i < events; i++) {
                records.add(new ProducerRecord<>(prefix + Topics.INVOICE_EVENTS, merchant.toString(),
                        TestSupport.statusEvent(merchant, UUID.randomUUID(), "Created", start.plusSeconds(i), 0)));
            }
            long started = System.nanoTime();
            kafka.produce(String.class, EventEnvelope.class).fromRecords(records).awaitCompletion(Duration.ofMinutes(2));
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                    pool.preparedQuery("select count(*) as n from pending_item where merchant_id = $1").execute(Tuple.of(merchant))
                            .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n") == events);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("BENCH ingestion: %d events of one merchant (one partition) in %.2f s = %.0f events/s%n",
                    events, seconds, events / seconds);
        }
    }
}
