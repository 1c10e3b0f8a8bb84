package com.invoicepay.certification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.common.events.ApiCall;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judges one api-activity record against the {@code call} assertions of a case: method and route
 * (template, any of several, or a prefix) select the assertion; status and the instructed values
 * decide. Pure: no state, no I/O.
 */
public final class CallJudge {
    public enum Outcome { MATCHED, MISMATCHED, OTHER_STATUS }

    /** @param index the assertion's position in its case */
    public record Observation(int index, Outcome outcome, String reason) {
    }

    /** Only cases made solely of {@code call} assertions are judged here; the others wait for their judges. */
    public static boolean judgeable(JsonNode assertions) {
        if (!assertions.isArray() || assertions.isEmpty()) {
            return false;
        }
        for (JsonNode a : assertions) {
            if (!"call".equals(a.path("kind").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The assertions this call concerns (same method and route), each with how it fared. */
    public static List<Observation> observe(JsonNode assertions, ApiCall call) {
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < assertions.size(); i++) {
            JsonNode a = assertions.get(i);
            if (!"call".equals(a.path("kind").asText()) || !a.path("method").asText().equalsIgnoreCase(call.method())
                    || !routeMatches(a, call.route())) {
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

    static boolean sameValue(String want, String got) {
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
