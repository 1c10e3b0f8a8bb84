package com.invoicepay.certification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.common.events.ApiCall;
import com.invoicepay.common.events.EventJson;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallJudgeTest {
    static final JsonNode CREATE = json("""
            [{"kind":"call","method":"POST","route":"/api/v1/merchants/{merchantId}/invoices","status":200,
              "values":{"totalAmount":"123.45","paymentReference":"CERT-7F3A"}}]""");

    static ApiCall call(String method, String route, int status, Map<String, String> values) {
        return new ApiCall(method, route, status, "sid", Instant.now(), null, values, 5);
    }

    @Test
    void theInstructedCallMatchesAndAmountsCompareAsNumbers() {
        var o = CallJudge.observe(CREATE, call("POST", "/api/v1/merchants/{merchantId}/invoices", 200,
                Map.of("totalAmount", "123.450", "paymentReference", "CERT-7F3A")));
        assertEquals(List.of(new CallJudge.Observation(0, CallJudge.Outcome.MATCHED, null)), o);
    }

    @Test
    void aWrongAmountOrReferenceIsAMismatchNamingTheValue() {
        var amount = CallJudge.observe(CREATE, call("POST", "/api/v1/merchants/{merchantId}/invoices", 200,
                Map.of("totalAmount", "123.46", "paymentReference", "CERT-7F3A"))).get(0);
        assertEquals(CallJudge.Outcome.MISMATCHED, amount.outcome());
        assertTrue(amount.reason().contains("totalAmount was '123.46', instructed '123.45'"), amount.reason());
        var reference = CallJudge.observe(CREATE, call("POST", "/api/v1/merchants/{merchantId}/invoices", 200,
                Map.of("totalAmount", "123.45"))).get(0);
        assertTrue(reference.reason().contains("paymentReference was absent"), reference.reason());
    }

    @Test
    void anotherRouteOrMethodIsNotObservedAndAnotherStatusIsNotAVerdict() {
        assertTrue(CallJudge.observe(CREATE, call("GET", "/api/v1/merchants/{merchantId}/invoices", 200, Map.of())).isEmpty());
        assertTrue(CallJudge.observe(CREATE, call("POST", "/api/v1/merchants/{merchantId}/invoices/link", 200, Map.of())).isEmpty());
        var rejected = CallJudge.observe(CREATE, call("POST", "/api/v1/merchants/{merchantId}/invoices", 400,
                Map.of("totalAmount", "123.45", "paymentReference", "CERT-7F3A"))).get(0);
        assertEquals(CallJudge.Outcome.OTHER_STATUS, rejected.outcome());
    }

    @Test
    void minValuesAndRouteAlternativesAndOnlyCallCasesAreJudgeable() {
        JsonNode batch = json("""
                [{"kind":"call","method":"POST","routeAnyOf":["/a","/b"],"statusAnyOf":[200,202],"minValues":{"batchSize":2}}]""");
        assertEquals(CallJudge.Outcome.MISMATCHED, CallJudge.observe(batch, call("POST", "/b", 202, Map.of("batchSize", "1"))).get(0).outcome());
        assertEquals(CallJudge.Outcome.MATCHED, CallJudge.observe(batch, call("POST", "/a", 200, Map.of("batchSize", "2"))).get(0).outcome());
        // a call assertion never judges a call for another kind's assertion on the same route
        assertTrue(CallJudge.observe(json("[{\"kind\":\"forbidden\",\"method\":\"POST\",\"route\":\"/a\"}]"),
                call("POST", "/a", 200, Map.of())).isEmpty());
    }

    static final JsonNode NO_STORM = json("""
            {"kind":"forbidden","method":"PUT","route":"/cancel","status":409,"sameInvoice":true,"maxRepeats":3,"within":"PT60S"}""");

    static CaseEvidence counted(UUID invoice, Instant at) {
        CaseEvidence e = new CaseEvidence();
        e.assertionIndex = 1;
        e.outcome = "COUNTED";
        e.invoiceId = invoice;
        e.occurredAt = at;
        return e;
    }

    @Test
    void moreThanMaxRepeatsOfTheSameInvoicesCallWithinTheWindowViolateAForbiddenAssertion() {
        UUID invoice = UUID.randomUUID();
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        ApiCall cancel = new ApiCall("PUT", "/cancel", 409, "sid", t, invoice, Map.of(), 3);
        List<CaseEvidence> three = List.of(counted(invoice, t.minusSeconds(30)), counted(invoice, t.minusSeconds(20)), counted(invoice, t.minusSeconds(10)));
        // the first call and 3 repeats: allowed
        assertEquals(CallJudge.Outcome.COUNTED, CallJudge.forbidden(1, NO_STORM, cancel, t, three).orElseThrow().outcome());
        List<CaseEvidence> four = new java.util.ArrayList<>(three);
        four.add(counted(invoice, t.minusSeconds(5)));
        var violated = CallJudge.forbidden(1, NO_STORM, cancel, t, four).orElseThrow();
        assertEquals(CallJudge.Outcome.VIOLATED, violated.outcome());
        assertTrue(violated.reason().contains("5 times within PT1M"), violated.reason());
        // the same number of calls spread over more than the window, or over other invoices, is no storm
        List<CaseEvidence> old = List.of(counted(invoice, t.minusSeconds(200)), counted(invoice, t.minusSeconds(150)),
                counted(invoice, t.minusSeconds(100)), counted(invoice, t.minusSeconds(61)));
        assertEquals(CallJudge.Outcome.COUNTED, CallJudge.forbidden(1, NO_STORM, cancel, t, old).orElseThrow().outcome());
        List<CaseEvidence> others = four.stream().map(e -> counted(UUID.randomUUID(), e.occurredAt)).toList();
        assertEquals(CallJudge.Outcome.COUNTED, CallJudge.forbidden(1, NO_STORM, cancel, t, others).orElseThrow().outcome());
        // another status is not counted
        assertTrue(CallJudge.forbidden(1, NO_STORM, new ApiCall("PUT", "/cancel", 204, "sid", t, invoice, Map.of(), 3), t, four).isEmpty());
    }

    @Test
    void aRefreshedSessionIsTheSameSidWithALaterIat() {
        JsonNode refreshed = json("""
                {"kind":"refreshed-session","method":"GET","route":"/me","status":200}""");
        Instant first = Instant.parse("2026-11-23T10:00:00Z");
        ApiCall before = new ApiCall("GET", "/me", 200, "sid-A", first, null, Map.of(), 3);
        assertEquals(CallJudge.Outcome.OBSERVED, CallJudge.refreshed(0, refreshed, before, List.of()).orElseThrow().outcome());
        CaseEvidence seen = new CaseEvidence();
        seen.assertionIndex = 0;
        seen.outcome = "OBSERVED";
        seen.sessionId = "sid-A";
        seen.tokenIssuedAt = first;
        // the same token again, or another session's later token: not a refresh
        assertEquals(CallJudge.Outcome.OBSERVED, CallJudge.refreshed(0, refreshed, before, List.of(seen)).orElseThrow().outcome());
        assertEquals(CallJudge.Outcome.OBSERVED, CallJudge.refreshed(0, refreshed,
                new ApiCall("GET", "/me", 200, "sid-B", first.plusSeconds(300), null, Map.of(), 3), List.of(seen)).orElseThrow().outcome());
        var after = CallJudge.refreshed(0, refreshed, new ApiCall("GET", "/me", 200, "sid-A", first.plusSeconds(300), null, Map.of(), 3), List.of(seen));
        assertEquals(CallJudge.Outcome.MATCHED, after.orElseThrow().outcome());
        // a call without a session (client credentials) says nothing
        assertTrue(CallJudge.refreshed(0, refreshed, new ApiCall("GET", "/me", 200, null, null, null, Map.of(), 3), List.of(seen)).isEmpty());
    }

    static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
