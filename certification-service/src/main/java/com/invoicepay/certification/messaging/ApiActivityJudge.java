package com.invoicepay.certification.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.certification.service.CallJudge;
import com.invoicepay.certification.service.CaseJudging;
import com.invoicepay.certification.service.CaseRules;
import com.invoicepay.common.events.ApiCall;
import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Judges {@code api-activity} records for the selected runs of the record's client, client system
 * and version (the envelope's {@code clientId}, {@code clientSystemName}, {@code clientVersion}),
 * observed after the run's selection. For each run it remembers the invoice the call concerned (so
 * invoice-events of that invoice belong to the run) and the first merchant seen (test callbacks go
 * there); then the open cases' {@code call}, {@code forbidden} and {@code refreshed-session}
 * assertions are judged (CallJudge) and the verdict settled from all the case's evidence
 * (CaseJudging).
 * <p>
 * A polled batch is judged together: records of versions no run judges are dropped through the
 * in-memory {@link ActiveRuns}, by the client headers EnvelopeSerializer writes, before they are
 * parsed; the rest takes one transaction with a fixed number of statements (dedup rows, the runs
 * with their open cases locked and their versions, then the remembered invoices and merchants, the
 * new evidence, the repeats and the changed cases, each one statement over arrays), judged in
 * record order so a call sees the evidence of the calls before it. What a case's judging needs of
 * its evidence is kept in memory ({@link JudgedCases}) and read only when the case's version moved,
 * so a judged call costs the same however much traffic the case has seen. A call like ones already
 * listed (same assertion and outcome) is counted on the last of them ({@code repeats}) instead of a
 * row of its own. Idempotent on {@code eventId} (processed_event, consumer {@value #CONSUMER}) in
 * that transaction; the offsets are committed after it.
 */
@ApplicationScoped
public class ApiActivityJudge {
    static final String CONSUMER = "certification-judge";
    /** Not "api-activity": that channel name is common's outgoing emitter (ApiActivityRecorder). */
    static final String CHANNEL = "api-activity-in";
    private static final Logger LOG = Logger.getLogger(ApiActivityJudge.class);
    private static final String INSERT_EVIDENCE = """
            insert into case_evidence (id, run_id, ordinal, assertion_index, outcome, event_id, occurred_at, correlation_id,
                                       merchant_id, method, route, status, source, event_type, invoice_id, session_id,
                                       token_issued_at, observed_values, reason, repeats, last_repeat_at)
            select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::varchar[], $6::uuid[], $7::timestamptz[],
                                 $8::varchar[], $9::uuid[], $10::varchar[], $11::varchar[], $12::int[], $13::varchar[],
                                 $14::varchar[], $15::uuid[], $16::varchar[], $17::timestamptz[], $18::text[], $19::text[],
                                 $20::bigint[], $21::timestamptz[])""";

    private final Pool pool;
    private final ActiveRuns activeRuns;
    private final JudgedCases cases = new JudgedCases();
    private final EnvelopeDeserializer envelopes = new EnvelopeDeserializer();
    private final CaseJudging judging;
    private final Clock clock;
    private final Counter judged;
    private final Counter duplicate;
    private final Counter ignored;

    public ApiActivityJudge(Pool pool, ActiveRuns activeRuns, CaseJudging judging, Clock clock, MeterRegistry metrics) {
        this.pool = pool;
        this.activeRuns = activeRuns;
        this.judging = judging;
        this.clock = clock;
        String name = "certification_judge_records";
        this.judged = metrics.counter(name, "outcome", "judged");
        this.duplicate = metrics.counter(name, "outcome", "duplicate");
        this.ignored = metrics.counter(name, "outcome", "ignored");
    }

    /** A call of a declared client version. */
    private record Observed(EventEnvelope event, ApiCall call, ActiveRuns.Version version) {
    }

    /** A selected run of the batch, with its open cases in ordinal order (their states once loaded). */
    private static final class Run {
        final UUID id;
        final Instant selectedAt;
        final Map<RunCase.Key, Long> versions = new LinkedHashMap<>();
        final List<JudgedCases.State> cases = new ArrayList<>();
        UUID merchantId;
        boolean merchantSeen;

        Run(UUID id, Instant selectedAt, UUID merchantId) {
            this.id = id;
            this.selectedAt = selectedAt;
            this.merchantId = merchantId;
        }
    }

    @Incoming(ApiActivityJudge.CHANNEL)
    public Uni<Void> consume(ConsumerRecords<String, byte[]> batch) {
        return pool.withConnection(activeRuns::current).chain(index -> {
            Map<UUID, Observed> candidates = new LinkedHashMap<>(); // an event twice in one poll is one event
            Set<UUID> runIds = new HashSet<>();
            int repeated = 0;
            for (ConsumerRecord<String, byte[]> record : batch) {
                ActiveRuns.Version declared = declared(record.headers());
                if (declared != null && !index.containsKey(declared)) {
                    continue; // most traffic: no run judges this version, and the record is not even parsed
                }
                EventEnvelope event = envelope(record);
                // null: not an envelope; a call without a declared version is nothing to judge
                if (event == null || !ApiCall.TYPE.equals(event.type()) || event.clientId() == null || event.clientVersion() == null) {
                    continue;
                }
                ActiveRuns.Version version = new ActiveRuns.Version(event.clientId(), event.clientSystemName(), event.clientVersion());
                Set<UUID> runs = index.get(version);
                if (runs == null) {
                    continue; // a record without the headers (an older producer) is dropped here
                }
                if (candidates.containsKey(event.eventId())) {
                    repeated++;
                    continue;
                }
                Observed observed = observed(event, version);
                if (observed != null) {
                    candidates.put(event.eventId(), observed);
                    runIds.addAll(runs);
                }
            }
            ignored.increment(batch.count() - candidates.size() - repeated);
            int duplicates = repeated;
            if (candidates.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            long start = System.nanoTime();
            // the poll locks its open cases, and a sweep or an event judged at once may lock them in another order:
            // PostgreSQL then aborts one of them; the poll runs again (states dropped) instead of stopping the channel
            return pool.withTransaction(sql -> judge(sql, List.copyOf(candidates.values()), runIds))
                    .onFailure().invoke(failure -> {
                        cases.forgetAll();
                        LOG.warnf("a poll of %d records failed, judged again: %s", batch.count(), failure.getMessage());
                    })
                    .onFailure().retry().withBackOff(Duration.ofMillis(100)).atMost(3)
                    .invoke(fresh -> {
                        judged.increment(fresh);
                        duplicate.increment(duplicates + candidates.size() - fresh);
                        LOG.debugf("%d records: %d judged for %d runs in %d ms", batch.count(), fresh, runIds.size(),
                                (System.nanoTime() - start) / 1_000_000);
                    })
                    .replaceWithVoid();
        });
    }

    /** The client version the record's headers name (EnvelopeSerializer), or null when they name none. */
    private static ActiveRuns.Version declared(Headers headers) {
        Header clientId = headers.lastHeader(EnvelopeSerializer.CLIENT_ID);
        Header version = headers.lastHeader(EnvelopeSerializer.CLIENT_VERSION);
        if (clientId == null || version == null) {
            return null;
        }
        Header system = headers.lastHeader(EnvelopeSerializer.CLIENT_SYSTEM_NAME);
        return new ActiveRuns.Version(utf8(clientId), system == null ? null : utf8(system), utf8(version));
    }

    private static String utf8(Header header) {
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The record's envelope (common's EnvelopeDeserializer), or null (logged) when it is not one. */
    private EventEnvelope envelope(ConsumerRecord<String, byte[]> record) {
        try {
            return envelopes.deserialize(record.topic(), record.value());
        } catch (SerializationException notAnEnvelope) {
            LOG.warnf("skipped the record at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), notAnEnvelope.getMessage());
            return null;
        }
    }

    /** The record as a call to judge, or null when its payload is not a call. */
    private static Observed observed(EventEnvelope event, ActiveRuns.Version version) {
        try {
            return new Observed(event, event.payloadAs(ApiCall.class), version);
        } catch (IllegalArgumentException unreadable) {
            LOG.warnf("skipped %s %s: %s", event.type(), event.eventId(), unreadable.getMessage());
            return null;
        }
    }

    /** Judges the candidates seen for the first time; answers how many those were. */
    private Uni<Integer> judge(SqlConnection sql, List<Observed> candidates, Set<UUID> runIds) {
        UUID[] ids = candidates.stream().map(o -> o.event().eventId()).toArray(UUID[]::new);
        String[] types = candidates.stream().map(o -> o.event().type()).toArray(String[]::new);
        // the dedup rows and the runs' read go out together (pipelined): a poll of duplicates only has locked its cases
        Uni<Set<UUID>> firstDeliveries = sql.preparedQuery("""
                        insert into processed_event (consumer, event_id, event_type, processed_at)
                        select $1, u.id, u.type, $2 from unnest($3::uuid[], $4::varchar[]) as u(id, type)
                        on conflict do nothing returning event_id""")
                .execute(Tuple.of(CONSUMER, utc(clock.instant()), ids, types))
                .map(inserted -> {
                    Set<UUID> first = new HashSet<>();
                    inserted.forEach(r -> first.add(r.getUUID(0)));
                    return first;
                });
        return Uni.combine().all().unis(firstDeliveries, runs(sql, runIds)).asTuple().chain(both -> {
            List<Observed> fresh = candidates.stream().filter(o -> both.getItem1().contains(o.event().eventId())).toList();
            if (fresh.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            Map<ActiveRuns.Version, List<Run>> byVersion = both.getItem2();
            return states(sql, byVersion).chain(() -> judge(sql, fresh, byVersion)).replaceWith(fresh.size());
        });
    }

    /**
     * The runs still SELECTED (read again in this transaction: the index may be older) with their PENDING cases and
     * those cases' versions; the cases stay locked until the transaction ends, so no other writer changes them
     * between this read and the judge's writes.
     */
    private static Uni<Map<ActiveRuns.Version, List<Run>>> runs(SqlConnection sql, Set<UUID> runIds) {
        return sql.preparedQuery("""
                        select r.id, r.sandbox_client_id, r.client_system_name, r.client_version, r.selected_at, r.merchant_id,
                               c.ordinal, c.version
                        from certification_run r join run_case c on c.run_id = r.id and c.status = $2
                        where r.id = any($1) and r.status = 'SELECTED'
                        order by r.id, c.ordinal
                        for update of c""")
                .execute(Tuple.of(runIds.toArray(UUID[]::new), RunCase.PENDING))
                .map(rows -> {
                    Map<ActiveRuns.Version, List<Run>> byVersion = new LinkedHashMap<>();
                    Run run = null;
                    for (Row r : rows) {
                        UUID id = r.getUUID("id");
                        if (run == null || !run.id.equals(id)) {
                            run = new Run(id, r.getOffsetDateTime("selected_at").toInstant(), r.getUUID("merchant_id"));
                            byVersion.computeIfAbsent(new ActiveRuns.Version(r.getString("sandbox_client_id"),
                                    r.getString("client_system_name"), r.getString("client_version")), v -> new ArrayList<>()).add(run);
                        }
                        run.versions.put(new RunCase.Key(id, r.getInteger("ordinal")), r.getLong("version"));
                    }
                    return byVersion;
                });
    }

    /** Each open case's state: from memory when its version has not moved, else read (the rest at once). */
    private Uni<Void> states(SqlConnection sql, Map<ActiveRuns.Version, List<Run>> byVersion) {
        Map<RunCase.Key, Long> stale = new LinkedHashMap<>();
        byVersion.values().forEach(runs -> runs.forEach(run -> run.versions.forEach((key, version) -> {
            if (cases.current(key, version) == null) {
                stale.put(key, version);
            }
        })));
        return cases.load(sql, stale).invoke(() -> byVersion.values().forEach(runs -> runs.forEach(run ->
                run.versions.forEach((key, version) -> run.cases.add(cases.current(key, version))))));
    }

    private Uni<Void> judge(SqlConnection sql, List<Observed> fresh, Map<ActiveRuns.Version, List<Run>> byVersion) {
        List<UUID[]> remembered = new ArrayList<>();
        List<CaseEvidence> added = new ArrayList<>();
        Map<UUID, CaseEvidence> repeated = new LinkedHashMap<>();
        Set<JudgedCases.State> touched = new LinkedHashSet<>();
        for (Observed o : fresh) {
            for (Run run : runsOf(o, byVersion)) {
                remember(run, o, remembered);
                for (JudgedCases.State c : run.cases) {
                    if (RunCase.PENDING.equals(c.runCase.status) && concerns(c.assertions, o.call())
                            && judgeCase(c, o, added, repeated)) {
                        touched.add(c);
                    }
                }
            }
        }
        touched.forEach(JudgedCases.State::forgetOldCounted);
        added.forEach(e -> repeated.remove(e.id)); // inserted with their repeats
        return write(sql, byVersion, remembered, added, repeated.values(), touched);
    }

    /** The batch's runs of the call's version selected no later than the call. */
    private static List<Run> runsOf(Observed o, Map<ActiveRuns.Version, List<Run>> byVersion) {
        return byVersion.getOrDefault(o.version(), List.of()).stream()
                .filter(run -> !run.selectedAt.isAfter(o.event().occurredAt())).toList();
    }

    /** The run's merchant (first seen) and the invoice the call concerned. */
    private static void remember(Run run, Observed o, List<UUID[]> invoices) {
        if (run.merchantId == null && o.event().merchantId() != null) {
            run.merchantId = o.event().merchantId();
            run.merchantSeen = true;
        }
        if (o.call().invoiceId() != null) {
            invoices.add(new UUID[]{run.id, o.call().invoiceId()});
        }
    }

    private static boolean concerns(JsonNode assertions, ApiCall call) {
        for (JsonNode a : assertions) {
            String kind = CaseRules.kind(a);
            if (("call".equals(kind) || "forbidden".equals(kind) || "refreshed-session".equals(kind)) && CallJudge.concerns(a, call)) {
                return true;
            }
        }
        return false;
    }

    /**
     * As each call was judged alone before: its observations from the case's evidence so far, then the verdict.
     * Answers whether the call changed the case (evidence listed or counted).
     */
    private boolean judgeCase(JudgedCases.State c, Observed o, List<CaseEvidence> added, Map<UUID, CaseEvidence> repeated) {
        ApiCall call = o.call();
        List<CallJudge.Observation> observations = new ArrayList<>(CallJudge.observe(c.assertions, call));
        for (int i = 0; i < c.assertions.size(); i++) {
            JsonNode a = c.assertions.get(i);
            switch (CaseRules.kind(a)) {
                case "forbidden" -> CallJudge.forbidden(i, a, call, o.event().occurredAt(), c.counted(i, call.invoiceId()))
                        .ifPresent(observations::add);
                case "refreshed-session" -> CallJudge.refreshed(i, a, call, c.kept).ifPresent(observations::add);
                default -> {
                }
            }
        }
        if (observations.isEmpty()) {
            return false;
        }
        for (CallJudge.Observation ob : observations) {
            CaseEvidence e = evidence(c.runCase, ob, o.event(), call);
            if (c.add(e, repeated)) {
                e.observedValues = EventJson.MAPPER.valueToTree(call.values() == null ? Map.of() : call.values()).toString();
                added.add(e);
            }
        }
        judging.settle(c.runCase, c.assertions, c.kept, c.otherStatus);
        return true;
    }

    /**
     * The batch's writes, one statement each, sent at once: remembered invoices and merchants, new evidence, the
     * repeats counted on earlier rows, then the changed cases (verdicts, new versions), whose versions the states take.
     */
    private Uni<Void> write(SqlConnection sql, Map<ActiveRuns.Version, List<Run>> byVersion, List<UUID[]> invoices,
                            List<CaseEvidence> added, Collection<CaseEvidence> repeated, Set<JudgedCases.State> touched) {
        List<Run> merchants = byVersion.values().stream().flatMap(List::stream).filter(run -> run.merchantSeen).toList();
        List<Uni<Void>> writes = new ArrayList<>();
        if (!invoices.isEmpty()) {
            writes.add(sql.preparedQuery("""
                            insert into run_invoice (run_id, invoice_id) select * from unnest($1::uuid[], $2::uuid[])
                            on conflict do nothing""")
                    .execute(Tuple.of(invoices.stream().map(p -> p[0]).toArray(UUID[]::new), invoices.stream().map(p -> p[1]).toArray(UUID[]::new)))
                    .replaceWithVoid());
        }
        if (!merchants.isEmpty()) {
            writes.add(sql.preparedQuery("""
                            update certification_run r set merchant_id = m.merchant_id from unnest($1::uuid[], $2::uuid[]) as m(id, merchant_id)
                            where r.id = m.id and r.merchant_id is null""")
                    .execute(Tuple.of(merchants.stream().map(run -> run.id).toArray(UUID[]::new),
                            merchants.stream().map(run -> run.merchantId).toArray(UUID[]::new)))
                    .replaceWithVoid());
        }
        if (!added.isEmpty()) {
            writes.add(sql.preparedQuery(INSERT_EVIDENCE).execute(evidenceColumns(added)).replaceWithVoid());
        }
        if (!repeated.isEmpty()) {
            List<CaseEvidence> rows = List.copyOf(repeated);
            writes.add(sql.preparedQuery("""
                            update case_evidence e set repeats = r.repeats, last_repeat_at = r.last_repeat_at
                            from unnest($1::uuid[], $2::bigint[], $3::timestamptz[]) as r(id, repeats, last_repeat_at) where e.id = r.id""")
                    .execute(Tuple.of(column(rows, e -> e.id, UUID[]::new), column(rows, e -> e.repeats, Long[]::new),
                            column(rows, e -> utc(e.lastRepeatAt), OffsetDateTime[]::new)))
                    .replaceWithVoid());
        }
        if (!touched.isEmpty()) {
            List<RunCase> changed = touched.stream().map(c -> c.runCase).toList();
            Map<RunCase.Key, JudgedCases.State> byKey = new HashMap<>();
            touched.forEach(c -> byKey.put(c.runCase.key, c));
            // status stays PENDING without a verdict: the update then only moves the version
            writes.add(sql.preparedQuery("""
                            update run_case c set status = v.status, reason = v.reason, judged_at = v.judged_at
                            from unnest($1::uuid[], $2::int[], $3::varchar[], $4::text[], $5::timestamptz[]) as v(run_id, ordinal, status, reason, judged_at)
                            where c.run_id = v.run_id and c.ordinal = v.ordinal
                            returning c.run_id, c.ordinal, c.version""")
                    .execute(Tuple.of(column(changed, c -> c.key.runId, UUID[]::new), column(changed, c -> c.key.ordinal, Integer[]::new),
                            column(changed, c -> c.status, String[]::new), column(changed, c -> c.reason, String[]::new),
                            column(changed, c -> c.judgedAt == null ? null : utc(c.judgedAt), OffsetDateTime[]::new)))
                    .invoke(rows -> {
                        for (Row r : rows) {
                            JudgedCases.State c = byKey.get(new RunCase.Key(r.getUUID("run_id"), r.getInteger("ordinal")));
                            if (RunCase.PENDING.equals(c.runCase.status)) {
                                c.version = r.getLong("version");
                            } else {
                                cases.forget(c.runCase.key); // judged: never judged again
                            }
                        }
                    })
                    .replaceWithVoid());
        }
        // subscribed together: the connection pipelines them, in this order (the update of the cases comes last and
        // so returns the versions their evidence's triggers moved)
        return writes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(writes).andFailFast().replaceWithVoid();
    }

    /** The new evidence as one array per column, in INSERT_EVIDENCE's order. */
    private static Tuple evidenceColumns(List<CaseEvidence> added) {
        return Tuple.tuple(List.<Object>of(
                column(added, e -> e.id, UUID[]::new), column(added, e -> e.runId, UUID[]::new),
                column(added, e -> e.ordinal, Integer[]::new), column(added, e -> e.assertionIndex, Integer[]::new),
                column(added, e -> e.outcome, String[]::new), column(added, e -> e.eventId, UUID[]::new),
                column(added, e -> utc(e.occurredAt), OffsetDateTime[]::new), column(added, e -> e.correlationId, String[]::new),
                column(added, e -> e.merchantId, UUID[]::new), column(added, e -> e.method, String[]::new),
                column(added, e -> e.route, String[]::new), column(added, e -> e.status, Integer[]::new),
                column(added, e -> e.source, String[]::new), column(added, e -> e.eventType, String[]::new),
                column(added, e -> e.invoiceId, UUID[]::new), column(added, e -> e.sessionId, String[]::new),
                column(added, e -> e.tokenIssuedAt == null ? null : utc(e.tokenIssuedAt), OffsetDateTime[]::new),
                column(added, e -> e.observedValues, String[]::new), column(added, e -> e.reason, String[]::new),
                column(added, e -> e.repeats, Long[]::new),
                column(added, e -> e.lastRepeatAt == null ? null : utc(e.lastRepeatAt), OffsetDateTime[]::new)));
    }

    private static <T, V> V[] column(List<T> rows, Function<T, V> field, IntFunction<V[]> array) {
        return rows.stream().map(field).toArray(array);
    }

    private static CaseEvidence evidence(RunCase c, CallJudge.Observation o, EventEnvelope event, ApiCall call) {
        CaseEvidence e = new CaseEvidence();
        e.id = UUID.randomUUID();
        e.runId = c.key.runId;
        e.ordinal = c.key.ordinal;
        e.assertionIndex = o.index();
        e.outcome = o.outcome().name();
        e.source = Topics.API_ACTIVITY;
        e.eventType = event.type();
        e.eventId = event.eventId();
        e.occurredAt = event.occurredAt();
        e.correlationId = event.correlationId();
        e.merchantId = event.merchantId();
        e.method = call.method();
        e.route = call.route();
        e.status = call.status();
        e.invoiceId = call.invoiceId();
        e.sessionId = call.sessionId();
        e.tokenIssuedAt = call.tokenIssuedAt();
        e.reason = o.reason();
        return e;
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
