package com.invoicepay.common.gate;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.events.CertificationChanged;
import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This replica's copy of every certificate, read from {@code certification-events}.
 * <p>
 * Kept in memory and rebuilt from the start of the topic at every start-up, rather than in a table:
 * the topic holds one small record per issue or retraction, every replica needs all of them (so
 * partitions are assigned, not shared through a consumer group, and no offset is committed), and a
 * request then checks a map instead of waiting on a database or on certification-service. Until the
 * first read reaches the end offsets seen at start-up the projection is not {@link #caughtUp()}, and
 * the gate answers 503 instead of a wrong 403.
 */
@ApplicationScoped
public class CertificationProjection {
    private static final Logger LOG = Logger.getLogger(CertificationProjection.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long TOPIC_RETRY_MS = 2_000;

    @Inject
    PlatformConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private final CertifiedVersions certificates = new CertifiedVersions();
    private volatile boolean caughtUp;
    private volatile boolean stopped;
    private final EnvelopeDeserializer envelopes = new EnvelopeDeserializer();
    private KafkaConsumer<String, byte[]> consumer;
    private Thread reader;

    void start(@Observes StartupEvent startup) {
        if (!config.gate().enabled()) {
            return;
        }
        Map<String, Object> consumerConfig = new HashMap<>();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaConfig.getOrDefault("bootstrap.servers", "127.0.0.1:9092"));
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, config.serviceName() + "-certification-gate");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        reader = new Thread(this::read, "certification-gate");
        reader.setDaemon(true);
        reader.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopped = true;
        if (consumer != null) {
            consumer.wakeup();
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True once every record that was on the topic at start-up has been applied. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public CertifiedVersions certificates() {
        return certificates;
    }

    private void read() {
        String topic = config.topicPrefix().orElse("") + Topics.CERTIFICATION_EVENTS;
        try (KafkaConsumer<String, byte[]> closedAtEnd = consumer) {
            while (!stopped) {
                try {
                    follow(topic);
                } catch (WakeupException shuttingDown) {
                    return;
                } catch (RuntimeException e) {
                    // the broker away at start-up or later: read again from the beginning, which is idempotent
                    LOG.warnf("certification gate: reading %s failed (%s); retrying", topic, e.toString());
                    sleep();
                }
            }
        } catch (WakeupException shuttingDown) {
            // stop() woke the consumer while it was being closed
        }
    }

    private void follow(String topic) {
        Map<TopicPartition, Long> startupEnd = assign(topic);
        while (!stopped) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                apply(record);
            }
            if (!caughtUp && startupEnd.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                caughtUp = true;
                LOG.infof("certification gate: read %s up to its start-up end", topic);
            }
        }
    }

    /** Assigns every partition from its beginning; returns the end offsets at this moment. */
    private Map<TopicPartition, Long> assign(String topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        while (partitions.isEmpty() && !stopped) {
            // no topic yet means no certificate yet: nothing to wait for
            caughtUp = true;
            sleep();
            partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        return consumer.endOffsets(assigned);
    }

    /** Records that are not a readable CertificationChanged (another schema version, a foreign record) are skipped. */
    private void apply(ConsumerRecord<String, byte[]> record) {
        EventEnvelope envelope;
        try {
            envelope = envelopes.deserialize(record.topic(), record.value());
        } catch (SerializationException notAnEnvelope) {
            LOG.warnf("certification gate: skipped a record that is not an envelope at %s-%d@%d",
                    record.topic(), record.partition(), record.offset());
            return;
        }
        if (envelope == null || envelope.schemaVersion() != CertificationChanged.SCHEMA_VERSION
                || !(CertificationChanged.CERTIFIED.equals(envelope.type()) || CertificationChanged.RETRACTED.equals(envelope.type()))) {
            return;
        }
        try {
            certificates.apply(envelope.payloadAs(CertificationChanged.class));
        } catch (IllegalArgumentException unreadable) {
            LOG.warnf("certification gate: skipped unreadable record %s", envelope.eventId());
        }
    }

    private void sleep() {
        try {
            Thread.sleep(TOPIC_RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
