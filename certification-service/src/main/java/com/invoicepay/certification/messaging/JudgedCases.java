package com.invoicepay.certification.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.certification.service.CaseJudging;
import com.invoicepay.certification.service.CaseRules;
import com.invoicepay.certification.service.CaseRules.Outcomes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The api-activity judge's memory of open cases: per case what its verdict and the next call's judging depend on
 * (the first samples per assertion and outcome, failing evidence, COUNTED calls within the forbidden windows, the
 * sessions seen, OTHER_STATUS counted), so a judged call costs no read of the case's evidence. Each state is as of
 * the case's {@code run_case.version}; every writer moves that version (V22's triggers), so the judge, which locks
 * its poll's open cases first, reloads exactly the states another judge, replica or the sweeper changed since.
 * Used by the one consumer thread of {@code api-activity-in} only.
 */
final class JudgedCases {
    /** Rows kept per case, assertion and outcome; later calls like them are counted on the last one. */
    static final int SAMPLES = 3;
    /** States are dropped all at once past this many (cases of runs long finished never come back). */
    private static final int MAX_STATES = 20_000;

    /** The case's assertions and what its evidence tells so far, as of {@link #version}. */
    static final class State {
        final RunCase runCase;
        final JsonNode assertions;
        /** The longest forbidden window: COUNTED calls older than twice that before the last are forgotten. */
        final Duration window;
        long version;
        /** Evidence a verdict or a later call can depend on, but OTHER_STATUS (counted) and COUNTED (by invoice). */
        final List<CaseEvidence> kept = new ArrayList<>();
        /** COUNTED calls within the forbidden windows, by assertion (and invoice where it counts per invoice). */
        private final Map<String, List<CaseEvidence>> counted = new HashMap<>();
        /** The same calls in the order they were taken, to forget the oldest without a scan. */
        private final Deque<CaseEvidence> countedInOrder = new ArrayDeque<>();
        /** Every OTHER_STATUS call, listed or counted. */
        long otherStatus;
        private final Map<String, Samples> samples = new HashMap<>();
        private Instant lastCounted;

        State(RunCase runCase, JsonNode assertions) {
            this.runCase = runCase;
            this.assertions = assertions;
            Duration longest = Duration.ZERO;
            for (JsonNode a : assertions) {
                if ("forbidden".equals(CaseRules.kind(a)) && CaseRules.within(a).compareTo(longest) > 0) {
                    longest = CaseRules.within(a);
                }
            }
            this.window = longest;
        }

        /**
         * Takes a new observation: answers true when it is a row of its own (failing, COUNTED, a session's earliest
         * token, or one of the first {@link #SAMPLES} of its assertion and outcome); otherwise it is counted on the
         * last row like it, which is then in {@code repeated} unless it is itself still to be inserted.
         */
        boolean add(CaseEvidence e, Map<UUID, CaseEvidence> repeated) {
            if (Outcomes.OTHER_STATUS.equals(e.outcome)) {
                otherStatus++;
            }
            Samples s = samples.computeIfAbsent(key(e.assertionIndex, e.outcome), k -> new Samples());
            boolean row = s.last == null || CaseRules.failing(e.outcome) || Outcomes.COUNTED.equals(e.outcome)
                    || (Outcomes.OBSERVED.equals(e.outcome) ? earliestOfSession(e) : s.stored < SAMPLES);
            if (row) {
                s.stored++;
                s.last = e;
                keep(e);
                return true;
            }
            s.last.repeats++;
            if (s.last.lastRepeatAt == null || e.occurredAt.isAfter(s.last.lastRepeatAt)) {
                s.last.lastRepeatAt = e.occurredAt;
            }
            repeated.put(s.last.id, s.last);
            return false;
        }

        /** A call of a session whose token is older than any seen of it (refreshed-session compares with it). */
        private boolean earliestOfSession(CaseEvidence e) {
            return kept.stream().noneMatch(k -> k.assertionIndex == e.assertionIndex && Objects.equals(k.sessionId, e.sessionId)
                    && k.tokenIssuedAt != null && e.tokenIssuedAt != null && !k.tokenIssuedAt.isAfter(e.tokenIssuedAt));
        }

        private void keep(CaseEvidence e) {
            if (Outcomes.COUNTED.equals(e.outcome)) {
                // thousands of these may be within a window: only what counting reads
                CaseEvidence call = new CaseEvidence();
                call.assertionIndex = e.assertionIndex;
                call.outcome = e.outcome;
                call.invoiceId = e.invoiceId;
                call.occurredAt = e.occurredAt;
                counted.computeIfAbsent(countedKey(e.assertionIndex, e.invoiceId), k -> new ArrayList<>(2)).add(call);
                countedInOrder.add(call);
                if (lastCounted == null || e.occurredAt.isAfter(lastCounted)) {
                    lastCounted = e.occurredAt;
                }
            } else if (!Outcomes.OTHER_STATUS.equals(e.outcome)) {
                kept.add(e);
            }
        }

        /** The COUNTED calls a forbidden assertion may count for a call on {@code invoiceId}. */
        List<CaseEvidence> counted(int assertionIndex, UUID invoiceId) {
            return counted.getOrDefault(countedKey(assertionIndex, invoiceId), List.of());
        }

        /** Per invoice where the assertion counts the same invoice's calls only. */
        private String countedKey(int assertionIndex, UUID invoiceId) {
            return assertionIndex + "/" + (assertions.get(assertionIndex).path("sameInvoice").asBoolean(false) ? invoiceId : "");
        }

        /** Forgets COUNTED calls no later call can count any more, oldest first: a poll's cost, not the window's. */
        void forgetOldCounted() {
            if (lastCounted == null) {
                return;
            }
            Instant before = lastCounted.minus(window.multipliedBy(2));
            while (!countedInOrder.isEmpty() && countedInOrder.peekFirst().occurredAt.isBefore(before)) {
                CaseEvidence old = countedInOrder.pollFirst();
                String key = countedKey(old.assertionIndex, old.invoiceId);
                List<CaseEvidence> calls = counted.get(key);
                calls.remove(old);
                if (calls.isEmpty()) {
                    counted.remove(key);
                }
            }
        }

        private static String key(int assertionIndex, String outcome) {
            return assertionIndex + "/" + outcome;
        }
    }

    /** Rows of one assertion and outcome: how many, and the last (it counts the repeats). */
    private static final class Samples {
        int stored;
        CaseEvidence last;
    }

    /**
     * Of a case's evidence what {@link State} holds: every row but COUNTED and OTHER_STATUS; of those, the COUNTED
     * within twice the longest window before the last, and each assertion's last OTHER_STATUS row (it carries the
     * repeats); with each row the count and repeats of its assertion and outcome.
     */
    private static final String STATE_EVIDENCE = """
            with k as (select * from unnest($1::uuid[], $2::int[], $3::bigint[]) as k(run_id, ordinal, window_ms)),
            e as (select e.id, e.run_id, e.ordinal, e.assertion_index, e.outcome, e.occurred_at, e.invoice_id, e.session_id,
                         e.token_issued_at, e.reason, e.repeats, e.last_repeat_at, k.window_ms,
                         row_number() over (partition by e.run_id, e.ordinal, e.assertion_index, e.outcome
                                            order by e.occurred_at desc, e.id desc) as nth_last,
                         count(*) over (partition by e.run_id, e.ordinal, e.assertion_index, e.outcome) as stored,
                         sum(e.repeats) over (partition by e.run_id, e.ordinal, e.assertion_index, e.outcome) as repeated,
                         max(e.occurred_at) filter (where e.outcome = 'COUNTED') over (partition by e.run_id, e.ordinal) as last_counted
                  from case_evidence e join k on e.run_id = k.run_id and e.ordinal = k.ordinal)
            select * from e
            where e.outcome not in ('COUNTED', 'OTHER_STATUS') or e.nth_last = 1
               or (e.outcome = 'COUNTED' and e.occurred_at >= e.last_counted - 2 * e.window_ms * interval '1 millisecond')
            order by e.occurred_at, e.id""";

    private final Map<RunCase.Key, State> states = new HashMap<>();

    /** The state of an open case if it is as of {@code version}. */
    State current(RunCase.Key key, long version) {
        State s = states.get(key);
        return s != null && s.version == version ? s : null;
    }

    void forget(RunCase.Key key) {
        states.remove(key);
    }

    /** After a failed transaction: the states may hold what was not committed. */
    void forgetAll() {
        states.clear();
    }

    /** Reads the states of these open cases (each of {@code versions}), in two statements. */
    Uni<Void> load(SqlConnection sql, Map<RunCase.Key, Long> versions) {
        if (versions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (states.size() + versions.size() > MAX_STATES) {
            states.clear();
        }
        List<RunCase.Key> keys = List.copyOf(versions.keySet());
        UUID[] runIds = keys.stream().map(k -> k.runId).toArray(UUID[]::new);
        Integer[] ordinals = keys.stream().map(k -> k.ordinal).toArray(Integer[]::new);
        Map<RunCase.Key, State> loaded = new HashMap<>();
        return sql.preparedQuery("""
                        select c.run_id, c.ordinal, c.case_id, c.status, c.assertions
                        from run_case c join unnest($1::uuid[], $2::int[]) as k(run_id, ordinal) on c.run_id = k.run_id and c.ordinal = k.ordinal""")
                .execute(Tuple.of(runIds, ordinals))
                .chain(cases -> {
                    for (Row r : cases) {
                        RunCase c = new RunCase();
                        c.key = new RunCase.Key(r.getUUID("run_id"), r.getInteger("ordinal"));
                        c.caseId = r.getString("case_id");
                        c.status = r.getString("status");
                        c.assertions = r.getString("assertions");
                        State s = new State(c, CaseJudging.assertions(c));
                        s.version = versions.get(c.key);
                        loaded.put(c.key, s);
                    }
                    Long[] windows = keys.stream().map(k -> loaded.get(k).window.toMillis()).toArray(Long[]::new);
                    return sql.preparedQuery(STATE_EVIDENCE).execute(Tuple.of(runIds, ordinals, windows));
                })
                .invoke(rows -> {
                    for (Row r : rows) {
                        State s = loaded.get(new RunCase.Key(r.getUUID("run_id"), r.getInteger("ordinal")));
                        CaseEvidence e = evidence(r);
                        if (Outcomes.OTHER_STATUS.equals(e.outcome)) {
                            s.otherStatus += r.getLong("stored") + r.getLong("repeated");
                        }
                        Samples samples = s.samples.computeIfAbsent(State.key(e.assertionIndex, e.outcome), k -> new Samples());
                        samples.stored = r.getLong("stored").intValue();
                        if (r.getLong("nth_last") == 1) {
                            samples.last = e;
                        }
                        s.keep(e);
                    }
                    states.putAll(loaded);
                })
                .replaceWithVoid();
    }

    private static CaseEvidence evidence(Row r) {
        CaseEvidence e = new CaseEvidence();
        e.id = r.getUUID("id");
        e.runId = r.getUUID("run_id");
        e.ordinal = r.getInteger("ordinal");
        e.assertionIndex = r.getInteger("assertion_index");
        e.outcome = r.getString("outcome");
        e.occurredAt = r.getOffsetDateTime("occurred_at").toInstant();
        e.invoiceId = r.getUUID("invoice_id");
        e.sessionId = r.getString("session_id");
        e.tokenIssuedAt = instant(r.getOffsetDateTime("token_issued_at"));
        e.reason = r.getString("reason");
        e.repeats = r.getLong("repeats");
        e.lastRepeatAt = instant(r.getOffsetDateTime("last_repeat_at"));
        return e;
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
