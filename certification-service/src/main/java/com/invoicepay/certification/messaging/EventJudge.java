package com.invoicepay.certification.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.certification.service.CallJudge;
import com.invoicepay.certification.service.CaseJudging;
import com.invoicepay.certification.service.CaseRules;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.messaging.ProcessedEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Judges {@code event} assertions from {@code invoice-events} and {@code callback-events}.
 * <ul>
 * <li>An invoice event belongs to a selected run when its invoice is one the run's client created or
 *     touched (run_invoice, from api-activity), or when the call that caused it was the run's client
 *     system and version (envelope origin): that covers an event read before its call's record.</li>
 * <li>A callback event belongs to the run whose command it answers ({@code commandId} = the eventId of
 *     a SendTestCallback this service sent). TestCallbackFailed fails the case with its error.</li>
 * </ul>
 * An assertion matches on type and on each field of its {@code payload} (compared as values).
 * Idempotent on eventId per consumer (processed_event).
 */
@ApplicationScoped
public class EventJudge {
    static final String INVOICE_CONSUMER = "certification-invoice-events";
    static final String CALLBACK_CONSUMER = "certification-callback-events";
    static final String TEST_FAILED = "TestCallbackFailed";

    private final ProcessedEvents processed;
    private final CaseJudging judging;

    public EventJudge(ProcessedEvents processed, CaseJudging judging) {
        this.processed = processed;
        this.judging = judging;
    }

    @Incoming("invoice-events-in")
    public Uni<Void> invoiceEvent(EventEnvelope event) {
        if (event == null || event.payload() == null) {
            return Uni.createFrom().voidItem();
        }
        UUID invoiceId = uuid(event.payload().path("invoiceId"));
        // most invoice events concern no run: find the runs first and write (dedup row, evidence) only for those
        return Panache.withTransaction(() -> runsOf(event, invoiceId).chain(runs -> runs.isEmpty() ? Uni.createFrom().voidItem()
                : Panache.getSession().chain(session -> processed.firstDelivery(session, INVOICE_CONSUMER, event))
                .chain(first -> first ? judgeRuns(runs, Topics.INVOICE_EVENTS, event, invoiceId) : Uni.createFrom().voidItem())));
    }

    @Incoming("callback-events-in")
    public Uni<Void> callbackEvent(EventEnvelope event) {
        if (event == null || event.payload() == null || !event.payload().hasNonNull("commandId")) {
            return Uni.createFrom().voidItem(); // only answers to our commands concern certification
        }
        UUID commandId = uuid(event.payload().get("commandId"));
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> processed.firstDelivery(session, CALLBACK_CONSUMER, event))
                .chain(first -> !first || commandId == null ? Uni.createFrom().voidItem() : CaseEvidence.sentCommand(commandId)
                        .chain(sent -> Multi.createFrom().iterable(sent)
                                .onItem().transformToUniAndConcatenate(s -> RunCase.<RunCase>findById(new RunCase.Key(s.runId, s.ordinal)))
                                .filter(c -> c != null && c.open())
                                .onItem().transformToUniAndConcatenate(c -> judgeCase(c, Topics.CALLBACK_EVENTS, event, null))
                                .collect().last())
                        .replaceWithVoid()));
    }

    private Uni<List<CertificationRun>> runsOf(EventEnvelope event, UUID invoiceId) {
        Uni<List<CertificationRun>> byInvoice = invoiceId == null ? Uni.createFrom().item(List.of())
                : CertificationRun.list("status = ?1 and id in (select i.runId from RunInvoice i where i.invoiceId = ?2)",
                CertificationRun.SELECTED, invoiceId);
        return byInvoice.chain(found -> {
            if (event.clientId() == null || event.clientVersion() == null) {
                return Uni.createFrom().item(found);
            }
            return CertificationRun.<CertificationRun>list("status = ?1 and sandboxClientId = ?2 and clientVersion = ?3 and clientSystemName = ?4 and selectedAt <= ?5",
                            CertificationRun.SELECTED, event.clientId(), event.clientVersion(), event.clientSystemName(), event.occurredAt())
                    .map(byOrigin -> {
                        List<CertificationRun> all = new ArrayList<>(found);
                        byOrigin.stream().filter(r -> found.stream().noneMatch(f -> f.id.equals(r.id))).forEach(all::add);
                        return all;
                    });
        });
    }

    private Uni<Void> judgeRuns(List<CertificationRun> runs, String topic, EventEnvelope event, UUID invoiceId) {
        return Multi.createFrom().iterable(runs)
                .onItem().transformToUniAndConcatenate(run -> RunCase.<RunCase>list("key.runId = ?1 and status = ?2 order by key.ordinal", run.id, RunCase.PENDING))
                .onItem().transformToIterable(cases -> cases)
                .onItem().transformToUniAndConcatenate(c -> judgeCase(c, topic, event, invoiceId))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> judgeCase(RunCase c, String topic, EventEnvelope event, UUID invoiceId) {
        JsonNode assertions = CaseJudging.assertions(c);
        List<CaseEvidence> fresh = new ArrayList<>();
        for (int i = 0; i < assertions.size(); i++) {
            JsonNode a = assertions.get(i);
            if (!"event".equals(CaseRules.kind(a)) || !topic.equals(a.path("topic").asText())) {
                continue;
            }
            if (TEST_FAILED.equals(event.type()) && sameRequestedStatus(a, event.payload())) {
                String error = event.payload().path("error").asText("no 2xx answer");
                String status = event.payload().has("statusCode") ? "HTTP " + event.payload().get("statusCode").asText() : null;
                fresh.add(evidence(c, i, CaseRules.Outcomes.FAILED, topic, event, invoiceId, "the test callback with status "
                        + event.payload().path("requestedStatus").asText() + " failed: " + error
                        + (status != null && !error.contains(status) ? " (" + status + ")" : "") + "."));
            } else if (a.path("type").asText().equals(event.type())) {
                Optional<String> differs = payloadDiffers(a.path("payload"), event.payload());
                if (differs.isEmpty()) {
                    fresh.add(evidence(c, i, CaseRules.Outcomes.MATCHED, topic, event, invoiceId, null));
                }
            }
        }
        if (fresh.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return CaseEvidence.ofCase(c.key.runId, c.key.ordinal).chain(earlier -> judging.record(c, earlier, fresh));
    }

    /** A failed test callback concerns the assertion waiting for the delivery of the same status. */
    private static boolean sameRequestedStatus(JsonNode a, JsonNode payload) {
        JsonNode wanted = a.path("payload").path("requestedStatus");
        return wanted.isMissingNode() || wanted.asText().equals(payload.path("requestedStatus").asText());
    }

    /** The first field of {@code expected} the payload does not carry as instructed. */
    static Optional<String> payloadDiffers(JsonNode expected, JsonNode payload) {
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode got = payload.path(field.getKey());
            if (got.isMissingNode() || got.isNull() || !CallJudge.sameValue(field.getValue().asText(), got.asText())) {
                return Optional.of(field.getKey());
            }
        }
        return Optional.empty();
    }

    private static CaseEvidence evidence(RunCase c, int index, String outcome, String topic, EventEnvelope event, UUID invoiceId, String reason) {
        CaseEvidence e = new CaseEvidence();
        e.id = UUID.randomUUID();
        e.runId = c.key.runId;
        e.ordinal = c.key.ordinal;
        e.assertionIndex = index;
        e.outcome = outcome;
        e.source = topic;
        e.eventType = event.type();
        e.eventId = event.eventId();
        e.occurredAt = event.occurredAt();
        e.correlationId = event.correlationId();
        e.merchantId = event.merchantId();
        e.invoiceId = invoiceId;
        e.observedValues = event.payload().toString();
        e.reason = reason;
        return e;
    }

    private static UUID uuid(JsonNode node) {
        try {
            return node == null || !node.isTextual() ? null : UUID.fromString(node.asText());
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
    }
}
