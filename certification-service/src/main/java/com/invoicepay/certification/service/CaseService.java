package com.invoicepay.certification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.config.CertificationConfig;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.outbox.Outbox;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.invoicepay.certification.service.CertificationErrors.*;

/**
 * What happens to a run's cases besides observed traffic: test callbacks asked of callback-service
 * ({@code command}), the integrator's declaration and an administrator's decision ({@code review}),
 * the clock (timeouts, forbidden windows), and cancelling the run. Every method runs in the caller's
 * transaction.
 */
@ApplicationScoped
public class CaseService {
    private static final Logger LOG = Logger.getLogger(CaseService.class);
    /** callback-service's command type and payload (CallbackCommandsConsumer.SendTestCallback). */
    static final String SEND_TEST_CALLBACK = "SendTestCallback";

    public record Review(String decision, String comment) {
    }

    public record Declaration(String text) {
    }

    private final CaseJudging judging;
    private final Outbox outbox;
    private final CertificationConfig config;
    private final Clock clock;

    public CaseService(CaseJudging judging, Outbox outbox, CertificationConfig config, Clock clock) {
        this.judging = judging;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    public Uni<RunCase> findCase(CertificationRun run, String caseId) {
        return RunCase.<RunCase>find("key.runId = ?1 and caseId = ?2", run.id, caseId).firstResult()
                .onItem().ifNull().failWith(() -> new ApiException(404, ErrorKind.InputError, CASE_NOT_FOUND,
                        "Run " + run.id + " has no case '" + RunService.printable(caseId) + "'."));
    }

    /**
     * Asks callback-service, through {@code callback-commands} (outbox, this transaction), for one test
     * callback per status of the case's {@code command} assertion, to the run's merchant. Each command's
     * eventId is kept as SENT evidence; callback-events answer with it as {@code commandId}.
     */
    public Uni<RunCase> sendCommands(CertificationRun run, RunCase c) {
        requireSelected(run);
        open(c);
        JsonNode assertions = CaseJudging.assertions(c);
        if (run.merchantId == null) {
            throw conflict(NO_MERCHANT_YET, "No call of this run has shown its merchant yet: make a call with the merchant's token (e.g. GET /api/v1/merchants/me) first.");
        }
        Instant now = clock.instant();
        List<CaseEvidence> sent = new ArrayList<>();
        List<EventEnvelope> commands = new ArrayList<>();
        for (int i = 0; i < assertions.size(); i++) {
            JsonNode a = assertions.get(i);
            if (!"command".equals(CaseRules.kind(a))) {
                continue;
            }
            for (JsonNode status : a.path("statuses")) {
                EventEnvelope command = EventEnvelope.of(SEND_TEST_CALLBACK, 1, now, "certification-service", run.merchantId,
                        EventOrigin.NONE, Map.of("status", status.asText()));
                commands.add(command);
                CaseEvidence e = new CaseEvidence();
                e.id = UUID.randomUUID();
                e.runId = run.id;
                e.ordinal = c.key.ordinal;
                e.assertionIndex = i;
                e.outcome = CaseRules.Outcomes.SENT;
                e.source = Topics.CALLBACK_COMMANDS;
                e.eventType = SEND_TEST_CALLBACK;
                e.eventId = command.eventId();
                e.occurredAt = now;
                e.merchantId = run.merchantId;
                e.observedValues = command.payload().toString();
                e.reason = "test callback with status " + status.asText() + " requested";
                sent.add(e);
            }
        }
        if (commands.isEmpty()) {
            throw conflict(CASE_STATE_CONFLICT, "Case " + c.caseId + " sends no commands.");
        }
        LOG.infof("run %s case %s: %d test callbacks requested for merchant %s", run.id, c.caseId, commands.size(), run.merchantId);
        return Panache.getSession()
                .chain(session -> outbox.addAll(session, Topics.CALLBACK_COMMANDS, run.merchantId.toString(), commands))
                .chain(() -> CaseEvidence.ofCase(run.id, c.key.ordinal))
                .chain(earlier -> judging.record(c, earlier, sent))
                .replaceWith(c);
    }

    /** The integrator's answer to a review case: the case waits for an administrator (REVIEW). */
    public RunCase declare(CertificationRun run, RunCase c, Declaration body) {
        requireSelected(run);
        if (!reviewCase(c)) {
            throw conflict(CASE_STATE_CONFLICT, "Case " + c.caseId + " is not reviewed by an administrator.");
        }
        open(c);
        String text = body == null ? null : body.text();
        if (text == null || text.isBlank()) {
            throw input(FIELD_REQUIRED, "text is required: how your client does what the case asks.");
        }
        c.declaration = text.strip();
        c.status = RunCase.REVIEW;
        return c;
    }

    /** An administrator accepts (PASSED) or rejects (FAILED) a declared review case, with a comment. */
    public Uni<RunCase> review(CertificationRun run, RunCase c, Review body, String administrator) {
        requireSelected(run);
        if (body == null || body.decision() == null || body.decision().isBlank()) {
            throw input(FIELD_REQUIRED, "decision is required: ACCEPTED or REJECTED.");
        }
        String decision = body.decision().trim().toUpperCase();
        if (!decision.equals(CaseRules.Outcomes.ACCEPTED) && !decision.equals(CaseRules.Outcomes.REJECTED)) {
            throw input(DECISION_INVALID, "decision '" + RunService.printable(body.decision()) + "' is not ACCEPTED or REJECTED.");
        }
        if (body.comment() == null || body.comment().isBlank()) {
            throw input(FIELD_REQUIRED, "comment is required: the integrator reads why.");
        }
        if (!RunCase.REVIEW.equals(c.status)) {
            throw conflict(CASE_STATE_CONFLICT, "Case " + c.caseId + " is " + c.status + ", not awaiting a review"
                    + (RunCase.PENDING.equals(c.status) ? " (the integrator has not declared yet)." : "."));
        }
        JsonNode assertions = CaseJudging.assertions(c);
        CaseEvidence e = new CaseEvidence();
        e.id = UUID.randomUUID();
        e.runId = run.id;
        e.ordinal = c.key.ordinal;
        for (int i = 0; i < assertions.size(); i++) {
            if ("review".equals(CaseRules.kind(assertions.get(i)))) {
                e.assertionIndex = i;
            }
        }
        e.outcome = decision;
        e.source = "review";
        e.occurredAt = clock.instant();
        e.reason = (decision.equals(CaseRules.Outcomes.ACCEPTED) ? "accepted" : "rejected") + " by " + administrator + ": " + body.comment().strip();
        return CaseEvidence.ofCase(run.id, c.key.ordinal).chain(earlier -> judging.record(c, earlier, List.of(e))).replaceWith(c);
    }

    /** Cancels a run that is not finished: its open cases are SKIPPED. */
    public Uni<CertificationRun> cancel(CertificationRun run, String by) {
        if (CertificationRun.APPROVED.equals(run.status) || CertificationRun.CANCELLED.equals(run.status)) {
            throw conflict(RUN_STATE_CONFLICT, "The run is " + run.status + " and cannot be cancelled.");
        }
        Instant now = clock.instant();
        run.status = CertificationRun.CANCELLED;
        run.finishedAt = now;
        return RunCase.ofRun(run.id).map(cases -> {
            cases.stream().filter(RunCase::open).forEach(c -> {
                c.status = RunCase.SKIPPED;
                c.reason = "run cancelled by " + by;
                c.judgedAt = now;
            });
            return run;
        });
    }

    /**
     * The clock's part, for every selected run: a case open past selection + case timeout is FAILED
     * with NOT_OBSERVED evidence naming each assertion not seen (a review waiting for an administrator
     * is not the client's delay and does not time out); a case kept open by a forbidden window passes
     * once the window closed. Returns how many cases got a verdict.
     * <p>
     * Four reads, whatever the number of runs and calls: the runs, their PENDING cases, of those cases'
     * evidence what a verdict or a "not observed" can depend on ({@link #SWEPT_EVIDENCE}), and how many
     * OTHER_STATUS entries each has. A read per case, and every piece of evidence read, took seconds a
     * tick with a hundred busy runs and held back the judges' verdicts.
     */
    public Uni<Integer> sweep() {
        Instant now = clock.instant();
        return CertificationRun.<CertificationRun>list("status = ?1", CertificationRun.SELECTED).chain(runs -> runs.isEmpty()
                ? Uni.createFrom().item(0)
                : RunCase.<RunCase>list("status = ?1 and key.runId in (select r.id from CertificationRun r where r.status = ?2)"
                        + " order by key.runId, key.ordinal", RunCase.PENDING, CertificationRun.SELECTED)
                .chain(cases -> {
                    Map<RunCase.Key, JsonNode> assertions = new HashMap<>();
                    int firsts = 1; // satisfying evidence a verdict may need per assertion: one per status of a command
                    for (RunCase c : cases) {
                        JsonNode a = CaseJudging.assertions(c);
                        assertions.put(c.key, a);
                        for (JsonNode assertion : a) {
                            firsts = Math.max(firsts, assertion.path("statuses").size());
                        }
                    }
                    int needed = firsts;
                    return Panache.getSession().chain(session -> session.createNativeQuery(SWEPT_EVIDENCE, CaseEvidence.class)
                            .setParameter("firsts", needed).getResultList()
                            .chain(evidence -> session.createQuery("select e.runId, e.ordinal, sum(1 + e.repeats) from CaseEvidence e"
                                            + " where e.outcome = 'OTHER_STATUS' and exists (select 1 from RunCase c where c.key.runId = e.runId"
                                            + " and c.key.ordinal = e.ordinal and c.status = 'PENDING') group by e.runId, e.ordinal", Object[].class)
                                    .getResultList()
                                    .chain(counts -> {
                                        Map<UUID, CertificationRun> byId = runs.stream().collect(Collectors.toMap(r -> r.id, r -> r));
                                        Map<RunCase.Key, List<CaseEvidence>> byCase = evidence.stream().collect(Collectors.groupingBy(
                                                e -> new RunCase.Key(e.runId, e.ordinal)));
                                        Map<RunCase.Key, Long> otherStatus = new HashMap<>();
                                        counts.forEach(row -> otherStatus.put(new RunCase.Key((UUID) row[0], (Integer) row[1]), (Long) row[2]));
                                        return Multi.createFrom().iterable(cases).filter(c -> byId.containsKey(c.key.runId))
                                                .onItem().transformToUniAndConcatenate(c -> sweep(byId.get(c.key.runId), c, assertions.get(c.key),
                                                        new ArrayList<>(byCase.getOrDefault(c.key, List.of())), otherStatus.getOrDefault(c.key, 0L), now))
                                                .collect().with(Collectors.summingInt(Integer::intValue));
                                    })));
                }));
    }

    /**
     * Of the open cases' evidence, in the order it occurred: the first {@code firsts} per assertion and outcome
     * that satisfies (MATCHED, SENT, ACCEPTED) and all that fails. COUNTED and OBSERVED serve only the
     * api-activity judge's forbidden and refreshed-session counting; OTHER_STATUS is only counted.
     */
    static final String SWEPT_EVIDENCE = """
            select e.id, e.run_id, e.ordinal, e.assertion_index, e.outcome, e.event_id, e.occurred_at, e.correlation_id,
                   e.merchant_id, e.method, e.route, e.status, e.source, e.event_type, e.invoice_id, e.session_id,
                   e.token_issued_at, e.observed_values, e.reason, e.repeats, e.last_repeat_at
            from (select e.*, row_number() over (partition by e.run_id, e.ordinal, e.assertion_index, e.outcome
                                                 order by e.occurred_at, e.id) as nth
                  from case_evidence e
                  join run_case c on c.run_id = e.run_id and c.ordinal = e.ordinal and c.status = 'PENDING'
                  join certification_run r on r.id = e.run_id and r.status = 'SELECTED'
                  where e.outcome not in ('COUNTED', 'OBSERVED', 'OTHER_STATUS')) e
            where e.outcome not in ('MATCHED', 'SENT', 'ACCEPTED') or e.nth <= :firsts
            order by e.occurred_at, e.id""";

    private Uni<Integer> sweep(CertificationRun run, RunCase c, JsonNode assertions, List<CaseEvidence> evidence,
                               long otherStatusNotRead, Instant now) {
        if (judging.settle(c, assertions, evidence, otherStatusNotRead)) {
            return Uni.createFrom().item(1);
        }
        if (now.isBefore(run.selectedAt.plus(config.caseTimeout()))) {
            return Uni.createFrom().item(0);
        }
        List<CaseEvidence> missing = new ArrayList<>();
        for (int i : CaseRules.unsatisfied(assertions, evidence)) {
            CaseEvidence e = new CaseEvidence();
            e.id = UUID.randomUUID();
            e.runId = run.id;
            e.ordinal = c.key.ordinal;
            e.assertionIndex = i;
            e.outcome = CaseRules.Outcomes.NOT_OBSERVED;
            e.source = "timeout";
            e.occurredAt = now;
            e.reason = "not observed within " + config.caseTimeout() + " of selection: " + CaseRules.describe(assertions.get(i));
            missing.add(e);
        }
        return judging.record(c, evidence, missing).replaceWith(missing.isEmpty() ? 0 : 1);
    }

    static boolean reviewCase(RunCase c) {
        for (JsonNode a : CaseJudging.assertions(c)) {
            if ("review".equals(CaseRules.kind(a))) {
                return true;
            }
        }
        return false;
    }

    private static void requireSelected(CertificationRun run) {
        if (!CertificationRun.SELECTED.equals(run.status)) {
            throw conflict(RUN_STATE_CONFLICT, "The run is " + run.status + "; its cases are judged only while it is SELECTED.");
        }
    }

    private static void open(RunCase c) {
        if (!c.open()) {
            throw conflict(CASE_STATE_CONFLICT, "Case " + c.caseId + " is already " + c.status + ".");
        }
    }
}
