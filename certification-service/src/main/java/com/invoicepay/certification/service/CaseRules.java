package com.invoicepay.certification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.persistence.CaseEvidence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a case's verdict follows from its assertions and the evidence gathered so far, whatever the
 * source (api-activity, invoice-events, callback-events, a review, the clock). Pure: no state, no I/O.
 * <ul>
 * <li>Any failing evidence (a wrong value, a forbidden repeat, a failed test callback, a rejection,
 *     a timeout) fails the case; the earliest one is the reason.</li>
 * <li>Otherwise the case passes once every assertion is satisfied: {@code call}, {@code event} and
 *     {@code refreshed-session} by a MATCHED record, {@code command} by one SENT command per status,
 *     {@code review} by an administrator's ACCEPTED. A {@code forbidden} assertion needs no record but
 *     keeps the case open for its {@code within} window after the last satisfying record, so a retry
 *     storm after the first 409 still fails it.</li>
 * <li>A pass with calls answered another status on the way (OTHER_STATUS) is a WARNING.</li>
 * </ul>
 */
public final class CaseRules {
    public static final String PASSED = "PASSED";
    public static final String FAILED = "FAILED";
    public static final String WARNING = "WARNING";
    /** Outcomes of evidence that fail a case. */
    static final Set<String> FAILING = Set.of(Outcomes.MISMATCHED, Outcomes.VIOLATED, Outcomes.FAILED,
            Outcomes.REJECTED, Outcomes.NOT_OBSERVED);

    /** Evidence outcomes (case_evidence.outcome). */
    public static final class Outcomes {
        public static final String MATCHED = "MATCHED";
        public static final String MISMATCHED = "MISMATCHED";
        public static final String OTHER_STATUS = "OTHER_STATUS";
        /** a call a forbidden assertion counts */
        public static final String COUNTED = "COUNTED";
        public static final String VIOLATED = "VIOLATED";
        /** a call of a session not (yet) seen refreshed */
        public static final String OBSERVED = "OBSERVED";
        /** a command this service sent */
        public static final String SENT = "SENT";
        public static final String FAILED = "FAILED";
        public static final String ACCEPTED = "ACCEPTED";
        public static final String REJECTED = "REJECTED";
        public static final String NOT_OBSERVED = "NOT_OBSERVED";

        private Outcomes() {
        }
    }

    /** Evidence of this outcome fails its case. */
    public static boolean failing(String outcome) {
        return FAILING.contains(outcome);
    }

    public record Verdict(String status, String reason) {
    }

    /** The verdict the evidence supports at {@code now}, or empty while the case stays open. */
    public static Optional<Verdict> decide(JsonNode assertions, List<CaseEvidence> evidence, Instant now) {
        return decide(assertions, evidence, 0, now);
    }

    /**
     * As {@link #decide(JsonNode, List, Instant)} for evidence read without some of its OTHER_STATUS
     * entries, which only count: {@code otherStatusNotRead} of them were left out.
     */
    public static Optional<Verdict> decide(JsonNode assertions, List<CaseEvidence> evidence, long otherStatusNotRead, Instant now) {
        Optional<CaseEvidence> failure = evidence.stream().filter(e -> FAILING.contains(e.outcome))
                .min(Comparator.comparing((CaseEvidence e) -> e.occurredAt));
        if (failure.isPresent()) {
            return Optional.of(new Verdict(FAILED, failure.get().reason));
        }
        Instant last = Instant.MIN;
        for (int i = 0; i < assertions.size(); i++) {
            Optional<Instant> satisfied = satisfiedAt(assertions.get(i), i, evidence);
            if (satisfied.isEmpty()) {
                return Optional.empty();
            }
            last = satisfied.get().isAfter(last) ? satisfied.get() : last;
        }
        for (JsonNode a : assertions) {
            if ("forbidden".equals(kind(a)) && now.isBefore(last.plus(within(a)))) {
                return Optional.empty(); // still watching for repeats
            }
        }
        String review = evidence.stream().filter(e -> Outcomes.ACCEPTED.equals(e.outcome)).map(e -> e.reason).findFirst().orElse(null);
        long otherStatus = otherStatusNotRead + evidence.stream().filter(e -> Outcomes.OTHER_STATUS.equals(e.outcome))
                .mapToLong(e -> 1 + e.repeats).sum();
        if (otherStatus > 0) {
            return Optional.of(new Verdict(WARNING, "every assertion observed, after " + otherStatus
                    + " call(s) answered with another status than expected"));
        }
        return Optional.of(new Verdict(PASSED, review != null ? review : "every assertion observed"));
    }

    /** The assertions not yet satisfied, described for "not observed" evidence. */
    public static List<Integer> unsatisfied(JsonNode assertions, List<CaseEvidence> evidence) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < assertions.size(); i++) {
            if (!"forbidden".equals(kind(assertions.get(i))) && satisfiedAt(assertions.get(i), i, evidence).isEmpty()) {
                out.add(i);
            }
        }
        return out;
    }

    /** When assertion {@code index} was satisfied (a forbidden one always is, unless violated). */
    static Optional<Instant> satisfiedAt(JsonNode a, int index, List<CaseEvidence> evidence) {
        String kind = kind(a);
        if ("forbidden".equals(kind)) {
            return Optional.of(Instant.MIN);
        }
        String wanted = switch (kind) {
            case "command" -> Outcomes.SENT;
            case "review" -> Outcomes.ACCEPTED;
            default -> Outcomes.MATCHED;
        };
        List<CaseEvidence> hits = evidence.stream().filter(e -> e.assertionIndex == index && wanted.equals(e.outcome))
                .sorted(Comparator.comparing((CaseEvidence e) -> e.occurredAt)).toList();
        int needed = "command".equals(kind) ? Math.max(1, a.path("statuses").size()) : 1;
        return hits.size() < needed ? Optional.empty() : Optional.of(hits.get(needed - 1).occurredAt);
    }

    /** A human description of an assertion, for evidence and reports. */
    public static String describe(JsonNode a) {
        return switch (kind(a)) {
            case "call", "refreshed-session", "forbidden" -> (a.has("description") ? a.get("description").asText() + ": " : "")
                    + kind(a) + " " + a.path("method").asText() + " " + route(a)
                    + (a.has("status") ? " answered " + a.get("status").asText() : a.has("statusAnyOf") ? " answered " + a.get("statusAnyOf") : "");
            case "event" -> "event " + a.path("type").asText() + " on " + a.path("topic").asText()
                    + (a.has("payload") ? " with " + a.get("payload") : "");
            case "command" -> "command " + a.path("type").asText() + " for " + a.path("statuses");
            case "review" -> "review: " + a.path("question").asText();
            default -> kind(a);
        };
    }

    static String route(JsonNode a) {
        return a.has("route") ? a.get("route").asText() : a.has("routeAnyOf") ? a.get("routeAnyOf").toString()
                : a.path("routePrefix").asText() + "…";
    }

    public static Duration within(JsonNode a) {
        return a.has("within") ? Duration.parse(a.get("within").asText()) : Duration.ZERO;
    }

    public static String kind(JsonNode a) {
        return a.path("kind").asText();
    }

    private CaseRules() {
    }
}
