package com.invoicepay.common.outbox;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.tracing.TraceContexts;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes committed outbox rows to Kafka and marks them sent only after the broker acknowledged
 * them (idempotent producer, {@code acks=all}): an event may go out twice, never zero times.
 * <p>
 * One relay at a time per database: each pass takes a transaction-scoped advisory lock, so with two
 * replicas one waits, and events leave in commit order ({@code seq}), which keeps each merchant's
 * partition in order. A pass runs when an event is added ({@link #nudge()}) and every
 * {@code invoicepay.outbox.poll-interval-ms} otherwise; a broker outage just leaves rows for later.
 * <p>
 * Off unless {@code invoicepay.outbox.enabled=true}: only services that publish have the table.
 * <p>
 * Fault hook for the crash tests ({@code invoicepay.outbox.fault}): {@code halt-before-publish}
 * kills the JVM after the state change committed and before anything was sent;
 * {@code halt-after-publish} kills it after the broker's acknowledgement and before marking sent.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Key of the advisory lock that lets one relay at a time publish from this database. */
    private static final long ADVISORY_LOCK = 0x6F7574626F78L; // the bytes of "outbox"

    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    MeterRegistry metrics;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;
    @Inject
    PlatformConfig config;
    @Inject
    Tracer tracer;

    private boolean enabled;
    private int batchSize;
    private String fault;

    private KafkaProducer<String, byte[]> producer;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean stopped;
    private long timerId = -1;
    private long backlogTimerId = -1;
    private static final long BACKLOG_EVERY_MS = 5_000;
    /** Rows committed and not yet published, counted every few seconds: the gauge an alert watches. */
    private final java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong();

    void start(@Observes StartupEvent startup) {
        enabled = config.outbox().enabled();
        batchSize = config.outbox().batchSize();
        fault = config.outbox().fault();
        if (!enabled) {
            return;
        }
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaConfig.getOrDefault("bootstrap.servers", "127.0.0.1:9092"));
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5); // ordered with idempotence
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay");
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), (topic, data) -> data);
        metrics.gauge("outbox_backlog", backlog);
        backlogTimerId = vertx.setPeriodic(BACKLOG_EVERY_MS, id -> measureBacklog());
        timerId = vertx.setPeriodic(config.outbox().pollIntervalMs(), id -> nudge());
        nudge();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        if (backlogTimerId >= 0) {
            vertx.cancelTimer(backlogTimerId);
        }
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }

    /** Asks for a pass soon; passes never overlap, a nudge during a pass causes one more. */
    public void nudge() {
        if (!enabled || stopped || producer == null) {
            return;
        }
        again.set(true);
        if (running.compareAndSet(false, true)) {
            again.set(false);
            pass().subscribe().with(published -> finish(published), failure -> {
                LOG.warnf("outbox relay pass failed, retrying on the next tick: %s", failure.toString());
                metrics.counter("outbox_relay_failures").increment();
                finish(0);
            });
        }
    }

    private void finish(int published) {
        running.set(false);
        if (published == batchSize || again.getAndSet(false)) {
            nudge(); // more may be waiting
        }
    }

    private Uni<Integer> pass() {
        return pool.withTransaction(connection -> connection
                .preparedQuery("select pg_try_advisory_xact_lock($1) as locked").execute(Tuple.of(ADVISORY_LOCK))
                .chain(lock -> lock.iterator().next().getBoolean("locked") ? publishBatch(connection)
                        : Uni.createFrom().item(0)));
    }

    private Uni<Integer> publishBatch(SqlConnection connection) {
        return connection.preparedQuery("""
                        select event_id, topic, record_key, envelope::text as envelope, trace_parent from outbox_event
                        where sent_at is null order by seq limit $1""")
                .execute(Tuple.of(batchSize))
                // send() may block while the broker is away: never on the event loop
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .chain(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    List<CompletableFuture<?>> acks = new ArrayList<>();
                    if ("halt-before-publish".equals(fault) && rows.size() > 0) {
                        halt("before publishing");
                    }
                    for (Row row : rows) {
                        ids.add(row.getUUID("event_id"));
                        acks.add(send(row.getString("topic"), row.getString("record_key"), row.getString("envelope"), row.getString("trace_parent")));
                    }
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    producer.flush();
                    return Uni.createFrom().completionStage(
                                    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)))
                            .invoke(() -> {
                                if ("halt-after-publish".equals(fault)) {
                                    halt("after the broker acknowledged and before marking sent");
                                }
                            })
                            .chain(() -> connection.preparedQuery("update outbox_event set sent_at = now() where event_id = any($1)")
                                    .execute(Tuple.of(ids.toArray(UUID[]::new))))
                            .invoke(() -> metrics.counter("outbox_published").increment(ids.size()))
                            .replaceWith(ids.size());
                });
    }

    /** Counted apart from the passes, so the gauge keeps growing while the broker is away and passes fail. */
    private void measureBacklog() {
        pool.preparedQuery("select count(*) as n from outbox_event where sent_at is null").execute()
                .subscribe().with(rows -> backlog.set(rows.iterator().next().getLong("n")),
                        failure -> LOG.debugf("outbox backlog not counted: %s", failure.toString()));
    }

    /**
     * One record, with a producer span whose parent is the trace context stored with the row (the API call or the
     * consumed event that made the change), injected into the record's headers: the trace continues on the consumer.
     */
    private CompletableFuture<Void> send(String topic, String key, String envelope, String traceParent) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, envelope.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Span span = traceParent == null ? Span.getInvalid() : tracer.spanBuilder(topic + " publish")
                .setParent(TraceContexts.parent(traceParent)).setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", topic).startSpan();
        String published = TraceContexts.of(Context.root().with(span));
        if (published != null) {
            record.headers().add(TraceContexts.TRACEPARENT, published.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                span.setStatus(StatusCode.ERROR, error.toString());
                ack.completeExceptionally(error);
            } else {
                ack.complete(null);
            }
            span.end();
        });
        return ack;
    }

    private static void halt(String when) {
        LOG.errorf("FAULT HOOK: halting the JVM %s (invoicepay.outbox.fault)", when);
        Runtime.getRuntime().halt(137);
    }
}
