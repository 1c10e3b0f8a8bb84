package com.invoicepay.certification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.persistence.CaseEvidence;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static com.invoicepay.certification.service.CallJudgeTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdict from assertions and evidence of any source. */
class CaseRulesTest {
    static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

    static CaseEvidence e(int index, String outcome, Instant at, String reason) {
        CaseEvidence e = new CaseEvidence();
        e.assertionIndex = index;
        e.outcome = outcome;
        e.occurredAt = at;
        e.reason = reason;
        return e;
    }

    @Test
    void aForbiddenAssertionKeepsThePassOpenForItsWindowAndAViolationFailsIt() {
        JsonNode cancelPaid = json("""
                [{"kind":"call","method":"PUT","route":"/cancel","status":409},
                 {"kind":"forbidden","method":"PUT","route":"/cancel","status":409,"maxRepeats":3,"within":"PT60S"}]""");
        List<CaseEvidence> matched = List.of(e(0, "MATCHED", T, null), e(1, "COUNTED", T, null));
        assertTrue(CaseRules.decide(cancelPaid, matched, T.plusSeconds(59)).isEmpty(), "still watching for repeats");
        assertEquals(Optional.of(new CaseRules.Verdict("PASSED", "every assertion observed")), CaseRules.decide(cancelPaid, matched, T.plusSeconds(60)));
        List<CaseEvidence> storm = List.of(e(0, "MATCHED", T, null), e(1, "VIOLATED", T.plusSeconds(5), "5 times within PT1M"));
        assertEquals(new CaseRules.Verdict("FAILED", "5 times within PT1M"), CaseRules.decide(cancelPaid, storm, T).orElseThrow());
    }

    @Test
    void theEarliestFailureIsTheReasonAndNothingMissingIsPending() {
        JsonNode two = json("""
                [{"kind":"call","method":"GET","route":"/a"},{"kind":"event","topic":"invoice-events","type":"InvoiceCanceled"}]""");
        assertTrue(CaseRules.decide(two, List.of(e(0, "MATCHED", T, null)), T).isEmpty());
        assertEquals(List.of(1), CaseRules.unsatisfied(two, List.of(e(0, "MATCHED", T, null))));
        var failed = CaseRules.decide(two, List.of(e(1, "NOT_OBSERVED", T.plusSeconds(9), "late"), e(0, "MISMATCHED", T, "amount")), T);
        assertEquals("amount", failed.orElseThrow().reason());
    }

    @Test
    void commandsNeedOneSentPerStatusAndAPassAfterOtherStatusesIsAWarning() {
        JsonNode callbacks = json("""
                [{"kind":"command","type":"SendTestCallback","statuses":["Paid","Rejected"]},
                 {"kind":"event","topic":"callback-events","type":"TestCallbackDelivered","payload":{"requestedStatus":"Paid"}}]""");
        assertTrue(CaseRules.decide(callbacks, List.of(e(0, "SENT", T, null), e(1, "MATCHED", T, null)), T).isEmpty());
        assertEquals("PASSED", CaseRules.decide(callbacks, List.of(e(0, "SENT", T, null), e(0, "SENT", T, null),
                e(1, "MATCHED", T, null)), T).orElseThrow().status());
        JsonNode call = json("[{\"kind\":\"call\",\"method\":\"GET\",\"route\":\"/a\",\"status\":200}]");
        var warning = CaseRules.decide(call, List.of(e(0, "OTHER_STATUS", T, null), e(0, "MATCHED", T.plusSeconds(1), null)), T).orElseThrow();
        assertEquals("WARNING", warning.status());
        assertTrue(warning.reason().contains("1 call(s) answered with another status"), warning.reason());
    }

    @Test
    void aReviewPassesWithTheAdministratorsCommentOrFailsWithIt() {
        JsonNode review = json("[{\"kind\":\"review\",\"question\":\"sorted?\"}]");
        assertTrue(CaseRules.decide(review, List.of(), T).isEmpty());
        assertEquals(new CaseRules.Verdict("PASSED", "accepted by ops-admin: fine"),
                CaseRules.decide(review, List.of(e(0, "ACCEPTED", T, "accepted by ops-admin: fine")), T).orElseThrow());
        assertEquals("FAILED", CaseRules.decide(review, List.of(e(0, "REJECTED", T, "rejected")), T).orElseThrow().status());
    }
}
