package com.invoicepay.certification.messaging;

import com.invoicepay.certification.fixture.Runs;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.certification.fixture.Runs.call;
import static org.awaitility.Awaitility.await;

/**
 * The judge's benchmark, off by default: {@code mvn -B verify -pl certification-service -Dtest=JudgeBench
 * -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false}. Inside the test JVM, on the local broker and
 * database: api-activity records judged per second with 100 selected runs, next to the rate a plain
 * Kafka consumer reads the same records (the baseline), then the delay from an observed call to its
 * verdict (p50/p99) at a steady 100 verdict-making calls per second. Prints a table; asserts nothing.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "bench", matches = "true")
class JudgeBench {
    static final int RUNS = 100;
    /** {@code -Dbench.records}, 20 000 by default. */
    static final int RECORDS = Integer.getInteger("bench.records", 20_000);

    @Inject
    Pool pool;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "invoicepay.topic-prefix", defaultValue = "")
    String prefix;

    @Test
    void judgeRateAndVerdictDelay() throws Exception {
        Runs runs = new Runs(prefix);
        String topic = prefix + "api-activity";
        List<String> names = new ArrayList<>();
        List<JsonPath> selected = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            String name = "Bench " + UUID.randomUUID().toString().substring(0, 8);
            names.add(name);
            selected.add(runs.selected(name, Runs.VERSION, List.of("InvoiceDirect", "Cancel")));
        }
        try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new EnvelopeSerializer())) {
            // phase 1: rate. Cancels answered 409 of many invoices: each is counted for its run's forbidden assertion
            Map<TopicPartition, Long> start = endOffsets(topic);
            Instant from = Instant.now();
            long before = judged(from.minusSeconds(1));
            for (int i = 0; i < RECORDS; i++) {
                String name = names.get(i % RUNS);
                producer.send(new ProducerRecord<>(topic, "integrator-app", call(name, Instant.now(), "PUT",
                        "/api/v1/merchants/{merchantId}/invoices/{invoiceId}/cancel", 409, UUID.randomUUID(), null, null, Map.of())));
            }
            producer.flush();
            long t0 = System.nanoTime();
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() -> judged(from.minusSeconds(1)) - before >= RECORDS);
            double judgeSeconds = (System.nanoTime() - t0) / 1e9; // from the last record sent
            double judgeRate = RECORDS * 1000.0 / Duration.between(from, Instant.now()).toMillis(); // from the first record sent
            double plainRate = plainConsumerRate(topic, start, RECORDS);

            // phase 2: delay from an observed call to its verdict, 100 verdict-making calls per second
            List<Long> delays = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                JsonPath run = selected.get(i);
                producer.send(new ProducerRecord<>(topic, "integrator-app", call(names.get(i), Instant.now(), "POST",
                        "/api/v1/merchants/{merchantId}/invoices", 200, UUID.randomUUID(), null, null,
                        Map.of("totalAmount", run.getString("values.amount"), "paymentReference", run.getString("values.paymentReference"),
                                "invoiceNumber", run.getString("values.invoiceNumber")))));
                Thread.sleep(10);
            }
            producer.flush();
            List<String> ids = selected.stream().map(r -> r.getString("id")).toList();
            await().atMost(Duration.ofMinutes(2)).until(() -> verdictDelays(ids).size() == RUNS);
            delays.addAll(verdictDelays(ids));
            Collections.sort(delays);
            System.out.printf("%n| figure | value | target |%n|---|---|---|%n");
            System.out.printf("| api-activity records judged per second (%d runs, %d records) | %.0f | >= 0.5 x baseline |%n", RUNS, RECORDS, judgeRate);
            System.out.printf("| baseline: plain Kafka consumer, same records | %.0f | |%n", plainRate);
            System.out.printf("| ratio judged / plain | %.2f | >= 0.50 |%n", judgeRate / plainRate);
            System.out.printf("| drain after the last record was sent | %.1f s | |%n", judgeSeconds);
            System.out.printf("| verdict delay p50 (%d verdicts at 100/s) | %d ms | |%n", delays.size(), delays.get(delays.size() / 2));
            System.out.printf("| verdict delay p99 | %d ms | < 1000 ms |%n%n", delays.get((int) Math.ceil(delays.size() * 0.99) - 1));
        } finally {
            runs.close();
        }
    }

    /** api-activity records the judge has processed (its dedup rows) since {@code since}. */
    long judged(Instant since) {
        for (Row r : pool.preparedQuery("select count(*) from processed_event where consumer = 'certification-judge' and processed_at >= $1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC))).await().indefinitely()) {
            return r.getLong(0);
        }
        return 0;
    }

    /** Per run: the verdict of invoicedirect-create minus the time of the call that made it. */
    List<Long> verdictDelays(List<String> runIds) {
        List<Long> out = new ArrayList<>();
        for (Row r : pool.preparedQuery("""
                        select extract(epoch from (c.judged_at - e.occurred_at)) * 1000 as ms
                        from run_case c join case_evidence e on e.run_id = c.run_id and e.ordinal = c.ordinal and e.outcome = 'MATCHED'
                        where c.case_id = 'invoicedirect-create' and c.status = 'PASSED' and c.run_id = any($1)""")
                .execute(Tuple.of(runIds.stream().map(UUID::fromString).toArray(UUID[]::new))).await().indefinitely()) {
            out.add(Math.round(r.getDouble("ms")));
        }
        return out;
    }

    Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            return c.endOffsets(partitions);
        }
    }

    /** Reads {@code count} records from {@code start} as fast as a plain consumer can. */
    double plainConsumerRate(String topic, Map<TopicPartition, Long> start, int count) {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            c.assign(start.keySet());
            start.forEach(c::seek);
            long read = 0;
            long t0 = System.nanoTime();
            while (read < count) {
                read += c.poll(Duration.ofMillis(500)).count();
            }
            return read / ((System.nanoTime() - t0) / 1e9);
        }
    }

    KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "judge-bench-" + UUID.randomUUID(), ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
