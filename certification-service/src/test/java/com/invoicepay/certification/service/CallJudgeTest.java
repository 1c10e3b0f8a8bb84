package com.invoicepay.certification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.common.events.ApiCall;
import com.invoicepay.common.events.EventJson;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallJudgeTest {
    static final JsonNode CREATE = json("""
            [{"kind":"call","method":"POST","route":"/api/v1/merchants/{merchantId}/invoices","status":202,
              "values":{"totalAmount":"123.45","paymentReference":"CERT-7F3A"}}]""");

    static ApiCall call(String method, String route, int status, Map<String, String> values) {
        return new ApiCall(method, route, status, "sid", Instant.now(), null, values, 5);
    }

    @Test
    void theInstructedCallMatchesAndAmountsCompareAsNumbers() {
        var o = CallJudge.observe(CREATE, call("POST", "/api/v1/merchants/{merchantId}/invoices", 202,
                Map.of("totalAmount", "123.450", "paymentReference", "CERT-7F3A")));
        assertEquals(List.of(new CallJudge.Observation(0, CallJudge.Outcome.MATCHED, null)), o);
    }

    @Test
    void aWrongAmountOrReferenceIsAMismatchNamingTheValue() {
        var amount = CallJudge.observe(CREATE, call("POST", "/api/v1/merchants/{merchantId}/invoices", 202,
                Map.of("totalAmount", "123.46", "paymentReference", "CERT-7F3A"))).get(0);
        assertEquals(CallJudge.Outcome.MISMATCHED, amount.outcome());
        assertTrue(amount.reason().contains("totalAmount was '123.46', instructed '123.45'"), amount.reason());
        var reference = CallJudge.observe(CREATE, call("POST", "/api/v1/merchants/{merchantId}/invoices", 202,
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
        assertTrue(CallJudge.judgeable(batch));
        assertFalse(CallJudge.judgeable(json("[{\"kind\":\"call\"},{\"kind\":\"review\"}]")));
    }

    static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
