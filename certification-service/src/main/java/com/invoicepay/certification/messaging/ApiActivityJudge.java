package com.invoicepay.certification.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.certification.service.CallJudge;
import com.invoicepay.certification.service.CaseJudging;
import com.invoicepay.certification.service.CaseRules;
import com.invoicepay.common.events.ApiCall;
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
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * in-memory {@link ActiveRuns}; the rest takes one transaction with a fixed number of statements
 * (dedup rows, the runs with their open cases, the evidence the batch's calls need, then the
 * remembered invoices and merchants, the new evidence and the verdicts, each one statement over
 * arrays), judged in record order so a call sees the evidence of the calls before it. Idempotent
 * on {@code eventId} (processed_event, consumer {@value #CONSUMER}) in that transaction; the offsets
 * are committed after it.
 */
@ApplicationScoped
public class ApiActivityJudge {
    static final String CONSUMER = "certification-judge";
    /** Not "api-activity": that channel name is common's outgoing emitter (ApiActivityRecorder). */
    static final String CHANNEL = "api-activity-in";
    private static final Logger LOG = Logger.getLogger(ApiActivityJudge.class);
    /**
     * What the batch's calls need of a case's evidence, in the order it occurred, whatever its length: of the
     * evidence that satisfies an assertion only the first few per assertion (a verdict needs the first, or the
     * first per status of a command) and the MATCHED calls of the batch's sessions (refreshed-session); COUNTED
     * only within the batch's forbidden windows (counted_from null: no forbidden assertion) and of its invoices
     * unless an assertion counts every invoice; OBSERVED only of the batch's sessions; OTHER_STATUS not at all
     * (only counted, below); anything else, which fails a case, all of it.
     */
    private static final String EVIDENCE = """
            with k as (select * from unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::boolean[], $5::int[])
                         as k(run_id, ordinal, counted_from, any_invoice, firsts)),
            e as (select e.id, e.run_id, e.ordinal, e.assertion_index, e.outcome, e.occurred_at, e.invoice_id, e.session_id,
                         e.token_issued_at, e.reason, k.counted_from, k.any_invoice, k.firsts,
                         row_number() over (partition by e.run_id, e.ordinal, e.assertion_index, e.outcome order by e.occurred_at, e.id) as nth
                  from case_evidence e join k on e.run_id = k.run_id and e.ordinal = k.ordinal
                  where e.outcome <> 'OTHER_STATUS')
            select * from e
            where (e.outcome in ('MATCHED', 'SENT', 'ACCEPTED') and e.nth <= e.firsts)
               or (e.outcome in ('MATCHED', 'OBSERVED') and e.session_id = any($7))
               or (e.outcome = 'COUNTED' and e.occurred_at >= e.counted_from
                   and (e.any_invoice or e.invoice_id is null or e.invoice_id = any($6)))
               or e.outcome not in ('MATCHED', 'SENT', 'ACCEPTED', 'OBSERVED', 'COUNTED')
            order by e.occurred_at, e.id""";
    private static final String OTHER_STATUS_COUNTS = """
            select e.run_id, e.ordinal, count(*) as n
            from case_evidence e join unnest($1::uuid[], $2::int[]) as k(run_id, ordinal) on e.run_id = k.run_id and e.ordinal = k.ordinal
            where e.outcome = 'OTHER_STATUS' group by e.run_id, e.ordinal""";
    private static final String INSERT_EVIDENCE = """
            insert into case_evidence (id, run_id, ordinal, assertion_index, outcome, event_id, occurred_at, correlation_id,
                                       merchant_id, method, route, status, source, event_type, invoice_id, session_id,
                                       token_issued_at, observed_values, reason)
            select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::varchar[], $6::uuid[], $7::timestamptz[],
                                 $8::varchar[], $9::uuid[], $10::varchar[], $11::varchar[], $12::int[], $13::varchar[],
                                 $14::varchar[], $15::uuid[], $16::varchar[], $17::timestamptz[], $18::text[], $19::text[])""";

    /**
     * Open cases' assertions as read, by their text: every batch reads its runs' open cases again, and a case's
     * assertions never change (a new selection writes new text). Emptied when it grows past {@value #PARSED_MAX}.
     */
    private static final Map<String, JsonNode> PARSED = new ConcurrentHashMap<>();
    private static final int PARSED_MAX = 10_000;

    private final Pool pool;
    private final ActiveRuns activeRuns;
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

    /** A selected run of the batch, with its open cases in ordinal order. */
    private static final class Run {
        final UUID id;
        final Instant selectedAt;
        final List<Case> cases = new ArrayList<>();
        UUID merchantId;
        boolean merchantSeen;

        Run(UUID id, Instant selectedAt, UUID merchantId) {
            this.id = id;
            this.selectedAt = selectedAt;
            this.merchantId = merchantId;
        }
    }

    /** An open case: its evidence so far (loaded, then this batch's in record order). */
    private static final class Case {
        final RunCase runCase;
        final JsonNode assertions;
        final List<CaseEvidence> evidence = new ArrayList<>();
        /** OTHER_STATUS evidence of earlier batches, counted but not read. */
        long otherStatusNotRead;
        Instant countedFrom;
        boolean anyInvoice;

        Case(RunCase runCase, JsonNode assertions) {
            this.runCase = runCase;
            this.assertions = assertions;
        }

        /** How many satisfying pieces of evidence per assertion a verdict may need: one per status of a command. */
        int firsts() {
            int most = 1;
            for (JsonNode a : assertions) {
                most = Math.max(most, a.path("statuses").size());
            }
            return most;
        }
    }

    @Incoming(ApiActivityJudge.CHANNEL)
    public Uni<Void> consume(ConsumerRecords<String, EventEnvelope> batch) {
        List<EventEnvelope> calls = new ArrayList<>();
        for (ConsumerRecord<String, EventEnvelope> record : batch) {
            EventEnvelope event = record.value();
            // null: not an envelope; a call without a declared version is nothing to judge
            if (event != null && ApiCall.TYPE.equals(event.type()) && event.clientId() != null && event.clientVersion() != null) {
                calls.add(event);
            }
        }
        if (calls.isEmpty()) {
            ignored.increment(batch.count());
            return Uni.createFrom().voidItem();
        }
        return pool.withConnection(activeRuns::current).chain(index -> {
            Map<UUID, Observed> candidates = new LinkedHashMap<>(); // an event twice in one poll is one event
            Set<UUID> runIds = new HashSet<>();
            int repeated = 0;
            for (EventEnvelope event : calls) {
                ActiveRuns.Version version = new ActiveRuns.Version(event.clientId(), event.clientSystemName(), event.clientVersion());
                Set<UUID> runs = index.get(version);
                if (runs == null) {
                    continue; // most traffic: no run judges this version, and its payload is not even read
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
            return pool.withTransaction(sql -> judge(sql, List.copyOf(candidates.values()), runIds))
                    .invoke(fresh -> {
                        judged.increment(fresh);
                        duplicate.increment(duplicates + candidates.size() - fresh);
                        LOG.debugf("%d records: %d judged for %d runs in %d ms", batch.count(), fresh, runIds.size(),
                                (System.nanoTime() - start) / 1_000_000);
                    })
                    .replaceWithVoid();
        });
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
        return sql.preparedQuery("""
                        insert into processed_event (consumer, event_id, event_type, processed_at)
                        select $1, u.id, u.type, $2 from unnest($3::uuid[], $4::varchar[]) as u(id, type)
                        on conflict do nothing returning event_id""")
                .execute(Tuple.of(CONSUMER, utc(clock.instant()), ids, types))
                .chain(inserted -> {
                    Set<UUID> first = new HashSet<>();
                    inserted.forEach(r -> first.add(r.getUUID(0)));
                    List<Observed> fresh = candidates.stream().filter(o -> first.contains(o.event().eventId())).toList();
                    if (fresh.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return runs(sql, runIds).chain(byVersion -> judge(sql, fresh, byVersion)).replaceWith(fresh.size());
                });
    }

    /** The runs still SELECTED (read again in this transaction: the index may be older) with their PENDING cases. */
    private static Uni<Map<ActiveRuns.Version, List<Run>>> runs(SqlConnection sql, Set<UUID> runIds) {
        if (PARSED.size() > PARSED_MAX) {
            PARSED.clear();
        }
        return sql.preparedQuery("""
                        select r.id, r.sandbox_client_id, r.client_system_name, r.client_version, r.selected_at, r.merchant_id,
                               c.ordinal, c.case_id, c.assertions, c.status
                        from certification_run r left join run_case c on c.run_id = r.id and c.status = $2
                        where r.id = any($1) and r.status = 'SELECTED'
                        order by r.id, c.ordinal""")
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
                        if (r.getValue("ordinal") != null) {
                            RunCase c = new RunCase();
                            c.key = new RunCase.Key(id, r.getInteger("ordinal"));
                            c.caseId = r.getString("case_id");
                            c.assertions = r.getString("assertions");
                            c.status = r.getString("status");
                            run.cases.add(new Case(c, PARSED.computeIfAbsent(c.assertions, text -> CaseJudging.assertions(c))));
                        }
                    }
                    return byVersion;
                });
    }

    private Uni<Void> judge(SqlConnection sql, List<Observed> fresh, Map<ActiveRuns.Version, List<Run>> byVersion) {
        // first pass: what each call touches, so one read brings every case's evidence the batch needs
        Set<Case> concerned = new LinkedHashSet<>();
        Set<UUID> invoices = new HashSet<>();
        Set<String> sessions = new HashSet<>();
        List<UUID[]> remembered = new ArrayList<>();
        for (Observed o : fresh) {
            for (Run run : runsOf(o, byVersion)) {
                remember(run, o, remembered);
                for (Case c : run.cases) {
                    if (concerns(c, o.call())) {
                        concerned.add(c);
                        widenWindow(c, o.event().occurredAt());
                    }
                }
            }
            if (o.call().invoiceId() != null) {
                invoices.add(o.call().invoiceId());
            }
            if (o.call().sessionId() != null) {
                sessions.add(o.call().sessionId());
            }
        }
        return evidence(sql, concerned, invoices, sessions).chain(() -> {
            List<CaseEvidence> added = new ArrayList<>();
            List<RunCase> verdicts = new ArrayList<>();
            for (Observed o : fresh) {
                for (Run run : runsOf(o, byVersion)) {
                    for (Case c : run.cases) {
                        if (RunCase.PENDING.equals(c.runCase.status) && concerns(c, o.call())) {
                            judgeCase(c, o, added, verdicts);
                        }
                    }
                }
            }
            return write(sql, byVersion, remembered, added, verdicts);
        });
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

    private static boolean concerns(Case c, ApiCall call) {
        for (JsonNode a : c.assertions) {
            String kind = CaseRules.kind(a);
            if (("call".equals(kind) || "forbidden".equals(kind) || "refreshed-session".equals(kind)) && CallJudge.concerns(a, call)) {
                return true;
            }
        }
        return false;
    }

    /** Earlier COUNTED evidence a forbidden assertion may count for a call at {@code at}. */
    private static void widenWindow(Case c, Instant at) {
        for (JsonNode a : c.assertions) {
            if ("forbidden".equals(CaseRules.kind(a))) {
                Instant from = at.minus(CaseRules.within(a));
                c.countedFrom = c.countedFrom == null || from.isBefore(c.countedFrom) ? from : c.countedFrom;
                c.anyInvoice |= !a.path("sameInvoice").asBoolean(false);
            }
        }
    }

    private static Uni<Void> evidence(SqlConnection sql, Set<Case> cases, Set<UUID> invoices, Set<String> sessions) {
        if (cases.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<RunCase.Key, Case> byKey = new LinkedHashMap<>();
        cases.forEach(c -> byKey.put(c.runCase.key, c));
        List<Case> list = List.copyOf(cases);
        UUID[] runIds = list.stream().map(c -> c.runCase.key.runId).toArray(UUID[]::new);
        Integer[] ordinals = list.stream().map(c -> c.runCase.key.ordinal).toArray(Integer[]::new);
        Tuple args = Tuple.tuple(List.<Object>of(runIds, ordinals,
                list.stream().map(c -> c.countedFrom == null ? null : utc(c.countedFrom)).toArray(OffsetDateTime[]::new),
                list.stream().map(c -> c.anyInvoice).toArray(Boolean[]::new),
                list.stream().map(Case::firsts).toArray(Integer[]::new),
                invoices.toArray(UUID[]::new), sessions.toArray(String[]::new)));
        return sql.preparedQuery(EVIDENCE).execute(args).invoke(rows -> {
            for (Row r : rows) {
                CaseEvidence e = new CaseEvidence();
                e.id = r.getUUID("id");
                e.runId = r.getUUID("run_id");
                e.ordinal = r.getInteger("ordinal");
                e.assertionIndex = r.getInteger("assertion_index");
                e.outcome = r.getString("outcome");
                e.occurredAt = r.getOffsetDateTime("occurred_at").toInstant();
                e.invoiceId = r.getUUID("invoice_id");
                e.sessionId = r.getString("session_id");
                OffsetDateTime iat = r.getOffsetDateTime("token_issued_at");
                e.tokenIssuedAt = iat == null ? null : iat.toInstant();
                e.reason = r.getString("reason");
                byKey.get(new RunCase.Key(e.runId, e.ordinal)).evidence.add(e);
            }
        }).chain(() -> sql.preparedQuery(OTHER_STATUS_COUNTS).execute(Tuple.of(runIds, ordinals))).invoke(rows -> {
            for (Row r : rows) {
                byKey.get(new RunCase.Key(r.getUUID("run_id"), r.getInteger("ordinal"))).otherStatusNotRead = r.getLong("n");
            }
        }).replaceWithVoid();
    }

    /** As each call was judged alone before: its observations from the case's evidence so far, then the verdict. */
    private void judgeCase(Case c, Observed o, List<CaseEvidence> added, List<RunCase> verdicts) {
        ApiCall call = o.call();
        List<CallJudge.Observation> observations = new ArrayList<>(CallJudge.observe(c.assertions, call));
        for (int i = 0; i < c.assertions.size(); i++) {
            JsonNode a = c.assertions.get(i);
            switch (CaseRules.kind(a)) {
                case "forbidden" -> CallJudge.forbidden(i, a, call, o.event().occurredAt(), c.evidence).ifPresent(observations::add);
                case "refreshed-session" -> CallJudge.refreshed(i, a, call, c.evidence).ifPresent(observations::add);
                default -> {
                }
            }
        }
        if (observations.isEmpty()) {
            return;
        }
        List<CaseEvidence> fresh = observations.stream().map(ob -> evidence(c.runCase, ob, o.event(), call)).toList();
        c.evidence.addAll(fresh);
        added.addAll(fresh);
        if (judging.settle(c.runCase, c.assertions, c.evidence, c.otherStatusNotRead)) {
            verdicts.add(c.runCase);
        }
    }

    private static Uni<Void> write(SqlConnection sql, Map<ActiveRuns.Version, List<Run>> byVersion, List<UUID[]> invoices,
                                   List<CaseEvidence> added, List<RunCase> verdicts) {
        List<Run> merchants = byVersion.values().stream().flatMap(List::stream).filter(run -> run.merchantSeen).toList();
        Uni<Void> done = Uni.createFrom().voidItem();
        if (!invoices.isEmpty()) {
            done = done.chain(() -> sql.preparedQuery("""
                            insert into run_invoice (run_id, invoice_id) select * from unnest($1::uuid[], $2::uuid[])
                            on conflict do nothing""")
                    .execute(Tuple.of(invoices.stream().map(p -> p[0]).toArray(UUID[]::new), invoices.stream().map(p -> p[1]).toArray(UUID[]::new)))
                    .replaceWithVoid());
        }
        if (!merchants.isEmpty()) {
            done = done.chain(() -> sql.preparedQuery("""
                            update certification_run r set merchant_id = m.merchant_id from unnest($1::uuid[], $2::uuid[]) as m(id, merchant_id)
                            where r.id = m.id and r.merchant_id is null""")
                    .execute(Tuple.of(merchants.stream().map(run -> run.id).toArray(UUID[]::new),
                            merchants.stream().map(run -> run.merchantId).toArray(UUID[]::new)))
                    .replaceWithVoid());
        }
        if (!added.isEmpty()) {
            done = done.chain(() -> sql.preparedQuery(INSERT_EVIDENCE).execute(evidenceColumns(added)).replaceWithVoid());
        }
        if (!verdicts.isEmpty()) {
            // only a case still open: a verdict another judge committed meanwhile stands
            done = done.chain(() -> sql.preparedQuery("""
                            update run_case c set status = v.status, reason = v.reason, judged_at = v.judged_at
                            from unnest($1::uuid[], $2::int[], $3::varchar[], $4::text[], $5::timestamptz[]) as v(run_id, ordinal, status, reason, judged_at)
                            where c.run_id = v.run_id and c.ordinal = v.ordinal and c.status = 'PENDING'""")
                    .execute(Tuple.of(column(verdicts, c -> c.key.runId, UUID[]::new), column(verdicts, c -> c.key.ordinal, Integer[]::new),
                            column(verdicts, c -> c.status, String[]::new), column(verdicts, c -> c.reason, String[]::new),
                            column(verdicts, c -> utc(c.judgedAt), OffsetDateTime[]::new)))
                    .replaceWithVoid());
        }
        return done;
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
                column(added, e -> e.observedValues, String[]::new), column(added, e -> e.reason, String[]::new)));
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
        e.observedValues = EventJson.MAPPER.valueToTree(call.values() == null ? Map.of() : call.values()).toString();
        e.reason = o.reason();
        return e;
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
