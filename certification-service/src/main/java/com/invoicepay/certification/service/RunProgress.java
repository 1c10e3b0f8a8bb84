package com.invoicepay.certification.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.persistence.RunCase;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Live progress of a run, from committed state only: the stream reads the run's cases and evidence
 * every {@code interval} and tells what changed. Reading the database rather than an in-memory
 * broadcast means any replica serves any run's stream, and nothing is announced that was not committed.
 * <ul>
 * <li>{@code case}: once per case when the stream opens (its status: the case has started);</li>
 * <li>{@code observed}: a new piece of evidence (call, event, command, review, timeout);</li>
 * <li>{@code judged}: a case reached its verdict (or REVIEW, or SKIPPED);</li>
 * <li>{@code run}: the run's status, first and on each change; the stream ends after APPROVED or CANCELLED.</li>
 * </ul>
 */
@ApplicationScoped
public class RunProgress {
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Progress(String type, UUID runId, String runStatus, String caseId, String status, String reason,
                           Evidence evidence, Instant at) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evidence(String outcome, String source, String type, UUID eventId, Instant occurredAt, String correlationId,
                           String method, String route, Integer status, String reason) {
    }

    private final Pool pool;

    public RunProgress(Pool pool) {
        this.pool = pool;
    }

    /** The run's integrator, read on a worker thread before a stream starts. */
    public Optional<String> integratorOf(UUID runId) {
        for (Row r : pool.preparedQuery("select integrator_id from certification_run where id = $1").execute(Tuple.of(runId))
                .await().atMost(Duration.ofSeconds(10))) {
            return Optional.of(r.getString("integrator_id"));
        }
        return Optional.empty();
    }

    public Multi<Progress> stream(UUID runId, Duration interval) {
        Map<Integer, String> statuses = new HashMap<>();
        Set<UUID> seen = new HashSet<>();
        String[] runStatus = {null};
        AtomicBoolean ended = new AtomicBoolean();
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(interval)
                .onOverflow().drop() // a slow poll skips ticks instead of failing the stream
                .onItem().transformToUniAndConcatenate(tick -> poll(runId, statuses, seen, runStatus))
                // up to and including the poll that saw the run end
                .select().first(batch -> !ended.getAndSet(CertificationRun.APPROVED.equals(runStatus[0]) || CertificationRun.CANCELLED.equals(runStatus[0])))
                .onItem().transformToIterable(batch -> batch);
    }

    private Uni<List<Progress>> poll(UUID runId, Map<Integer, String> statuses, Set<UUID> seen, String[] runStatus) {
        return pool.preparedQuery("select status from certification_run where id = $1").execute(Tuple.of(runId))
                .chain(run -> pool.preparedQuery("select ordinal, case_id, status, reason, judged_at from run_case where run_id = $1 order by ordinal")
                        .execute(Tuple.of(runId))
                        .chain(cases -> pool.preparedQuery("""
                                        select id, ordinal, outcome, source, event_type, event_id, occurred_at, correlation_id, method, route, status, reason
                                        from case_evidence where run_id = $1 order by occurred_at, id""")
                                .execute(Tuple.of(runId))
                                .map(evidence -> changes(runId, run, cases, evidence, statuses, seen, runStatus))));
    }

    /** What changed since the last poll; the first poll lists the run and its cases and marks the evidence so far as seen. */
    private static List<Progress> changes(UUID runId, Iterable<Row> run, Iterable<Row> cases, Iterable<Row> evidence,
                                          Map<Integer, String> statuses, Set<UUID> seen, String[] runStatus) {
        List<Progress> out = new ArrayList<>();
        boolean first = runStatus[0] == null;
        String status = null;
        for (Row r : run) {
            status = r.getString("status");
        }
        if (status != null && !status.equals(runStatus[0])) {
            runStatus[0] = status;
            out.add(new Progress("run", runId, status, null, null, null, null, null));
        }
        Map<Integer, String> caseIds = new HashMap<>();
        for (Row c : cases) {
            caseIds.put(c.getInteger("ordinal"), c.getString("case_id"));
            if (first) {
                statuses.put(c.getInteger("ordinal"), c.getString("status"));
                out.add(new Progress("case", runId, status, c.getString("case_id"), c.getString("status"), c.getString("reason"), null, null));
            }
        }
        for (Row e : evidence) {
            if (seen.add(e.getUUID("id")) && !first) {
                out.add(new Progress("observed", runId, status, caseIds.get(e.getInteger("ordinal")), null, null,
                        new Evidence(e.getString("outcome"), e.getString("source"), e.getString("event_type"), e.getUUID("event_id"),
                                instant(e, "occurred_at"), e.getString("correlation_id"), e.getString("method"), e.getString("route"),
                                e.getInteger("status"), e.getString("reason")),
                        instant(e, "occurred_at")));
            }
        }
        for (Row c : cases) {
            String now = c.getString("status");
            String was = statuses.put(c.getInteger("ordinal"), now);
            if (!first && !now.equals(was) && !RunCase.PENDING.equals(now)) {
                out.add(new Progress("judged", runId, status, c.getString("case_id"), now, c.getString("reason"), null, instant(c, "judged_at")));
            }
        }
        return out;
    }

    private static Instant instant(Row row, String column) {
        var t = row.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
