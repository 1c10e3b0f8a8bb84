package com.invoicepay.certification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.common.events.ApiCall;

import com.invoicepay.certification.persistence.CaseEvidence;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Judges one api-activity record against the assertions of a case that concern calls: method and
 * route (template, any of several, or a prefix) select the assertion. {@code call}: status and the
 * instructed values decide. {@code forbidden}: the call counts, and more than {@code maxRepeats}
 * repeats (of the same invoice, with {@code sameInvoice}) within {@code within} violate it.
 * {@code refreshed-session}: matched by a call whose token has the {@code sid} of an earlier one and a
 * later {@code iat}. Pure: no state, no I/O; earlier evidence is passed in.
 */
public final class CallJudge {
    /** Names as CaseRules.Outcomes. */
    public enum Outcome { MATCHED, MISMATCHED, OTHER_STATUS, COUNTED, VIOLATED, OBSERVED }

    /** @param index the assertion's position in its case */
    public record Observation(int index, Outcome outcome, String reason) {
    }

    /** The {@code call} assertions this call concerns (same method and route), each with how it fared. */
    public static List<Observation> observe(JsonNode assertions, ApiCall call) {
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < assertions.size(); i++) {
            JsonNode a = assertions.get(i);
            if (!"call".equals(a.path("kind").asText()) || !concerns(a, call)) {
                continue;
            }
            Optional<String> wrongValue = wrongValue(a, call.values() == null ? Map.of() : call.values());
            if (wrongValue.isPresent()) {
                out.add(new Observation(i, Outcome.MISMATCHED, wrongValue.get()));
            } else if (!statusMatches(a, call.status())) {
                out.add(new Observation(i, Outcome.OTHER_STATUS, call.method() + " " + call.route() + " answered "
                        + call.status() + ", expected " + expectedStatus(a) + "."));
            } else {
                out.add(new Observation(i, Outcome.MATCHED, null));
            }
        }
        return out;
    }

    /**
     * A {@code forbidden} assertion and a call on its method, route and status at {@code at}: COUNTED, or
     * VIOLATED when it makes more than {@code maxRepeats} repeats within {@code within} ({@code earlier}:
     * this assertion's evidence so far).
     */
    public static Optional<Observation> forbidden(int index, JsonNode a, ApiCall call, Instant at, List<CaseEvidence> earlier) {
        if (!concerns(a, call) || !statusMatches(a, call.status())) {
            return Optional.empty();
        }
        Duration within = CaseRules.within(a);
        boolean sameInvoice = a.path("sameInvoice").asBoolean(false);
        long calls = 1 + earlier.stream().filter(e -> e.assertionIndex == index)
                .filter(e -> !sameInvoice || Objects.equals(e.invoiceId, call.invoiceId()))
                .filter(e -> !e.occurredAt.isBefore(at.minus(within)) && !e.occurredAt.isAfter(at)).count();
        int maxRepeats = a.path("maxRepeats").asInt(0);
        if (calls - 1 > maxRepeats) {
            return Optional.of(new Observation(index, Outcome.VIOLATED, call.method() + " " + call.route() + " answered "
                    + call.status() + " " + calls + " times within " + within + (sameInvoice ? " for invoice " + call.invoiceId() : "")
                    + ": more than " + maxRepeats + " repeats (retry storm)."));
        }
        return Optional.of(new Observation(index, Outcome.COUNTED, null));
    }

    /**
     * A {@code refreshed-session} assertion: a call on its method, route and status with a session is
     * MATCHED when an earlier one ({@code earlier}) had the same {@code sid} and an earlier {@code iat},
     * OBSERVED otherwise.
     */
    public static Optional<Observation> refreshed(int index, JsonNode a, ApiCall call, List<CaseEvidence> earlier) {
        if (!concerns(a, call) || !statusMatches(a, call.status()) || call.sessionId() == null || call.tokenIssuedAt() == null) {
            return Optional.empty();
        }
        return earlier.stream().filter(e -> e.assertionIndex == index && call.sessionId().equals(e.sessionId)
                        && e.tokenIssuedAt != null && e.tokenIssuedAt.isBefore(call.tokenIssuedAt()))
                .findFirst()
                .map(e -> new Observation(index, Outcome.MATCHED, "session " + call.sessionId() + " refreshed: iat "
                        + e.tokenIssuedAt + " then " + call.tokenIssuedAt()))
                .or(() -> Optional.of(new Observation(index, Outcome.OBSERVED, null)));
    }

    public static boolean concerns(JsonNode a, ApiCall call) {
        return a.path("method").asText().equalsIgnoreCase(call.method()) && routeMatches(a, call.route());
    }

    static boolean routeMatches(JsonNode a, String route) {
        if (route == null) {
            return false;
        }
        if (a.has("route")) {
            return a.get("route").asText().equals(route);
        }
        if (a.has("routeAnyOf")) {
            for (JsonNode r : a.get("routeAnyOf")) {
                if (r.asText().equals(route)) {
                    return true;
                }
            }
            return false;
        }
        return a.has("routePrefix") && route.startsWith(a.get("routePrefix").asText());
    }

    static boolean statusMatches(JsonNode a, int status) {
        if (a.has("status")) {
            return a.get("status").asInt() == status;
        }
        if (a.has("statusAnyOf")) {
            for (JsonNode s : a.get("statusAnyOf")) {
                if (s.asInt() == status) {
                    return true;
                }
            }
            return false;
        }
        return status >= 200 && status < 300;
    }

    private static String expectedStatus(JsonNode a) {
        return a.has("status") ? a.get("status").asText() : a.has("statusAnyOf") ? a.get("statusAnyOf").toString() : "2xx";
    }

    /** The first instructed value the call did not carry, described; amounts compare as numbers (123.4 = 123.40). */
    static Optional<String> wrongValue(JsonNode a, Map<String, String> actual) {
        for (Iterator<Map.Entry<String, JsonNode>> it = a.path("values").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> expected = it.next();
            String want = expected.getValue().asText();
            String got = actual.get(expected.getKey());
            if (!sameValue(want, got)) {
                return Optional.of(expected.getKey() + " was " + (got == null ? "absent" : "'" + got + "'")
                        + ", instructed '" + want + "'.");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = a.path("minValues").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> min = it.next();
            BigDecimal got = number(actual.get(min.getKey()));
            if (got == null || got.compareTo(min.getValue().decimalValue()) < 0) {
                return Optional.of(min.getKey() + " was " + (got == null ? "absent" : got.toPlainString())
                        + ", at least " + min.getValue().asText() + " instructed.");
            }
        }
        return Optional.empty();
    }

    public static boolean sameValue(String want, String got) {
        if (got == null) {
            return false;
        }
        BigDecimal w = number(want);
        BigDecimal g = number(got);
        return w != null && g != null ? w.compareTo(g) == 0 : want.equals(got.trim());
    }

    private static BigDecimal number(String s) {
        if (s == null || !s.trim().matches("-?\\d+(\\.\\d+)?")) {
            return null;
        }
        return new BigDecimal(s.trim());
    }

    private CallJudge() {
    }
}
