package com.invoicepay.certification.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.certification.service.CallJudge;
import com.invoicepay.certification.service.CaseJudging;
import com.invoicepay.certification.service.CaseRules;
import com.invoicepay.common.events.ApiCall;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.messaging.ProcessedEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Judges {@code api-activity} records for the selected runs of the record's client, client system
 * and version (the envelope's {@code clientId}, {@code clientSystemName}, {@code clientVersion}),
 * observed after the run's selection. For each run it remembers the invoice the call concerned (so
 * invoice-events of that invoice belong to the run) and the first merchant seen (test callbacks go
 * there); then the open cases' {@code call}, {@code forbidden} and {@code refreshed-session}
 * assertions are judged (CallJudge) and the verdict settled from all the case's evidence
 * (CaseJudging). Idempotent on {@code eventId} (processed_event, consumer {@value #CONSUMER}), in the
 * transaction of the verdicts; the offset is committed after it.
 */
@ApplicationScoped
public class ApiActivityJudge {
    static final String CONSUMER = "certification-judge";
    /** Not "api-activity": that channel name is common's outgoing emitter (ApiActivityRecorder). */
    static final String CHANNEL = "api-activity-in";
    private static final Logger LOG = Logger.getLogger(ApiActivityJudge.class);

    private final ProcessedEvents processed;
    private final CaseJudging judging;

    public ApiActivityJudge(ProcessedEvents processed, CaseJudging judging) {
        this.processed = processed;
        this.judging = judging;
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
                        .onItem().transformToUniAndConcatenate(run -> remember(run, event, call)
                                .chain(() -> RunCase.<RunCase>list("key.runId = ?1 and status = ?2 order by key.ordinal", run.id, RunCase.PENDING)))
                        .onItem().transformToIterable(cases -> cases)
                        .onItem().transformToUniAndConcatenate(c -> judgeCase(c, event, call))
                        .collect().last())
                .replaceWithVoid();
    }

    /** The run's merchant (first seen) and the invoice the call concerned. */
    private Uni<Void> remember(CertificationRun run, EventEnvelope event, ApiCall call) {
        if (run.merchantId == null && event.merchantId() != null) {
            run.merchantId = event.merchantId();
        }
        if (call.invoiceId() == null) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "insert into run_invoice (run_id, invoice_id) values (:run, :invoice) on conflict do nothing")
                .setParameter("run", run.id).setParameter("invoice", call.invoiceId()).executeUpdate()).replaceWithVoid();
    }

    private Uni<Void> judgeCase(RunCase c, EventEnvelope event, ApiCall call) {
        JsonNode assertions = CaseJudging.assertions(c);
        boolean concerned = false;
        for (JsonNode a : assertions) {
            String kind = CaseRules.kind(a);
            concerned |= ("call".equals(kind) || "forbidden".equals(kind) || "refreshed-session".equals(kind)) && CallJudge.concerns(a, call);
        }
        if (!concerned) {
            return Uni.createFrom().voidItem();
        }
        return CaseEvidence.ofCase(c.key.runId, c.key.ordinal).chain(earlier -> {
            List<CallJudge.Observation> observations = new ArrayList<>(CallJudge.observe(assertions, call));
            for (int i = 0; i < assertions.size(); i++) {
                JsonNode a = assertions.get(i);
                switch (CaseRules.kind(a)) {
                    case "forbidden" -> CallJudge.forbidden(i, a, call, event.occurredAt(), earlier).ifPresent(observations::add);
                    case "refreshed-session" -> CallJudge.refreshed(i, a, call, earlier).ifPresent(observations::add);
                    default -> {
                    }
                }
            }
            List<CaseEvidence> fresh = observations.stream().map(o -> evidence(c, o, event, call)).toList();
            return judging.record(c, earlier, fresh);
        });
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
        e.observedValues = EventJson.MAPPER.valueToTree(call.values() == null ? java.util.Map.of() : call.values()).toString();
        e.reason = o.reason();
        return e;
    }
}
