package com.invoicepay.certification.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.certification.service.CallJudge;
import com.invoicepay.common.events.ApiCall;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.messaging.ProcessedEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Judges {@code api-activity} records for the selected runs of the record's client, client system
 * and version (the envelope's {@code clientId}, {@code clientSystemName}, {@code clientVersion}),
 * observed after the run's selection. Cases made only of {@code call} assertions are judged: a call
 * on an assertion's route with a value other than instructed fails the case at once; the case passes
 * when every assertion has a matching call. A verdict is final. Idempotent on {@code eventId}
 * (processed_event, consumer {@value #CONSUMER}), in the transaction of the verdicts; the offset is
 * committed after it.
 */
@ApplicationScoped
public class ApiActivityJudge {
    static final String CONSUMER = "certification-judge";
    /** Not "api-activity": that channel name is common's outgoing emitter (ApiActivityRecorder). */
    static final String CHANNEL = "api-activity-in";
    private static final Logger LOG = Logger.getLogger(ApiActivityJudge.class);

    private final ProcessedEvents processed;
    private final Clock clock;

    public ApiActivityJudge(ProcessedEvents processed, Clock clock) {
        this.processed = processed;
        this.clock = clock;
    }

    @Incoming(ApiActivityJudge.CHANNEL)
    public Uni<Void> consume(EventEnvelope event) {
        if (event == null || !ApiCall.TYPE.equals(event.type()) || event.clientId() == null || event.clientVersion() == null) {
            return Uni.createFrom().voidItem(); // not an envelope, or a call without a declared version: nothing to judge
        }
        ApiCall call;
        try {
            call = event.payloadAs(ApiCall.class);
        } catch (IllegalArgumentException unreadable) {
            LOG.warnf("skipped %s %s: %s", event.type(), event.eventId(), unreadable.getMessage());
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> processed.firstDelivery(session, CONSUMER, event))
                .chain(first -> first ? judge(event, call) : Uni.createFrom().voidItem()));
    }

    private Uni<Void> judge(EventEnvelope event, ApiCall call) {
        return CertificationRun.<CertificationRun>list(
                        "status = ?1 and sandboxClientId = ?2 and clientVersion = ?3 and clientSystemName = ?4 and selectedAt <= ?5",
                        CertificationRun.SELECTED, event.clientId(), event.clientVersion(), event.clientSystemName(), event.occurredAt())
                .chain(runs -> Multi.createFrom().iterable(runs)
                        .onItem().transformToUniAndConcatenate(run -> RunCase.<RunCase>list(
                                "key.runId = ?1 and status = ?2 order by key.ordinal", run.id, RunCase.PENDING))
                        .onItem().transformToIterable(cases -> cases)
                        .onItem().transformToUniAndConcatenate(c -> judgeCase(c, event, call))
                        .collect().last())
                .replaceWithVoid();
    }

    private Uni<Void> judgeCase(RunCase c, EventEnvelope event, ApiCall call) {
        JsonNode assertions = read(c.assertions);
        if (!CallJudge.judgeable(assertions)) {
            return Uni.createFrom().voidItem();
        }
        List<CallJudge.Observation> observations = CallJudge.observe(assertions, call);
        if (observations.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return CaseEvidence.matched(c.key.runId, c.key.ordinal).chain(earlier -> {
            Set<Integer> matched = new HashSet<>();
            earlier.forEach(e -> matched.add(e.assertionIndex));
            CallJudge.Observation failed = null;
            for (CallJudge.Observation o : observations) {
                if (o.outcome() == CallJudge.Outcome.MATCHED) {
                    matched.add(o.index());
                } else if (o.outcome() == CallJudge.Outcome.MISMATCHED && failed == null) {
                    failed = o;
                }
            }
            if (failed != null) {
                verdict(c, "FAILED", failed.reason() + " (" + call.method() + " " + call.route() + ", api-activity " + event.eventId() + ")");
            } else if (IntStream.range(0, assertions.size()).allMatch(matched::contains)) {
                verdict(c, "PASSED", "every assertion observed");
            }
            List<CaseEvidence> evidence = observations.stream().map(o -> evidence(c, o, event, call)).toList();
            return CaseEvidence.persist(evidence);
        });
    }

    private void verdict(RunCase c, String status, String reason) {
        c.status = status;
        c.reason = reason;
        c.judgedAt = clock.instant();
        LOG.infof("run %s case %s %s: %s", c.key.runId, c.caseId, status, reason);
    }

    private static CaseEvidence evidence(RunCase c, CallJudge.Observation o, EventEnvelope event, ApiCall call) {
        CaseEvidence e = new CaseEvidence();
        e.id = UUID.randomUUID();
        e.runId = c.key.runId;
        e.ordinal = c.key.ordinal;
        e.assertionIndex = o.index();
        e.outcome = o.outcome().name();
        e.eventId = event.eventId();
        e.occurredAt = event.occurredAt();
        e.correlationId = event.correlationId();
        e.merchantId = event.merchantId();
        e.method = call.method();
        e.route = call.route();
        e.status = call.status();
        e.observedValues = EventJson.MAPPER.valueToTree(call.values() == null ? java.util.Map.of() : call.values()).toString();
        e.reason = o.reason();
        return e;
    }

    private static JsonNode read(String json) {
        try {
            return EventJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("run_case.assertions is not JSON", e);
        }
    }
}
