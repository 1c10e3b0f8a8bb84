package com.invoicepay.certification.messaging;

import com.invoicepay.certification.fixture.Runs;
import com.invoicepay.common.events.EventEnvelope;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.invoicepay.certification.fixture.Runs.RUNS;
import static com.invoicepay.certification.fixture.Runs.call;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch judging (ApiActivityJudge with ActiveRuns): records polled together are judged once each, in
 * order, and the in-memory index of selected runs follows every change of the runs in the database.
 */
@QuarkusTest
class BatchJudgingTest {
    static final String CANCEL = "/api/v1/merchants/{merchantId}/invoices/{invoiceId}/cancel";
    static final Duration WAIT = Duration.ofSeconds(20);
    static Runs runs;

    @Inject
    ActiveRuns activeRuns;
    @Inject
    Pool pool;

    @BeforeAll
    static void setUp() {
        runs = new Runs(ConfigProvider.getConfig().getOptionalValue("invoicepay.topic-prefix", String.class).orElse(""));
    }

    @AfterAll
    static void tearDown() {
        runs.close();
    }

    @Test
    void aRedeliveredRecordIsJudgedOnceSoItNeverMakesARetryStorm() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("Cancel")).getString("id");
        UUID invoice = UUID.randomUUID();
        Instant t = Instant.now();
        List<EventEnvelope> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // 3 repeats: allowed; each record delivered twice would be 7, a storm
            EventEnvelope cancel = call(name, t.plusMillis(i * 100L), "PUT", CANCEL, 409, invoice, null, null, Map.of());
            records.add(cancel);
            records.add(cancel);
            records.add(Runs.version(call(name, t.plusMillis(i * 100L), "PUT", CANCEL, 409, invoice, null, null, Map.of()), "3.1.5"));
        }
        runs.send("api-activity", records.toArray(EventEnvelope[]::new));
        await().atMost(WAIT).until(() -> runs.evidence(id, "cancel-paid-no-retry-storm").stream()
                .filter(e -> "COUNTED".equals(e.get("outcome"))).count() == 4);
        // redelivered after its batch committed, then a call of another case: same key, same partition, judged after it
        runs.send("api-activity", records.get(0), call(name, "GET", "/api/v1/merchants/me", 200, null));
        await().atMost(WAIT).until(() -> !runs.evidence(id, "onboarding-merchant-read").isEmpty());
        List<Map<String, Object>> evidence = runs.evidence(id, "cancel-paid-no-retry-storm");
        assertEquals(4, evidence.stream().filter(e -> "COUNTED".equals(e.get("outcome"))).count(), evidence.toString());
        assertEquals(4, observed(evidence, "MATCHED"), evidence.toString());
        assertFalse(evidence.stream().anyMatch(e -> "VIOLATED".equals(e.get("outcome"))), evidence.toString());
        assertEquals("PENDING", runs.caseStatus(id, "cancel-paid-no-retry-storm"), "watching for repeats for 60 s");
        assertEquals(4, observed(runs.evidence(id, "cancel-unpaid"), "OTHER_STATUS"), "four calls answered 409 instead of 204, each once");
    }

    @Test
    void callsLikeTheFirstFewAreCountedOnTheLastListedOneWithTheirTime() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("Cancel")).getString("id");
        Instant t = Instant.now();
        List<EventEnvelope> records = new ArrayList<>();
        for (int i = 0; i < 7; i++) { // another invoice each: no repeats of one invoice's cancel, no storm
            records.add(call(name, t.plusMillis(i * 100L), "PUT", CANCEL, 409, UUID.randomUUID(), null, null, Map.of()));
        }
        runs.send("api-activity", records.toArray(EventEnvelope[]::new));
        await().atMost(WAIT).until(() -> observed(runs.evidence(id, "cancel-unpaid"), "OTHER_STATUS") == 7);
        List<Map<String, Object>> unpaid = runs.evidence(id, "cancel-unpaid");
        assertEquals(3, unpaid.size(), "three samples listed: " + unpaid);
        Map<String, Object> last = unpaid.get(2);
        assertEquals(4, ((Number) last.get("repeats")).intValue(), unpaid.toString());
        Instant lastCall = records.get(6).occurredAt().truncatedTo(ChronoUnit.MICROS); // as PostgreSQL keeps it
        assertEquals(lastCall, Instant.parse((String) last.get("lastRepeatAt")));
        assertEquals(List.of(records.get(0).correlationId(), records.get(1).correlationId(), records.get(2).correlationId()),
                unpaid.stream().map(e -> e.get("correlationId")).toList(), "the first calls are the samples");
        // every call a forbidden assertion counts stays a row: a later storm within the window counts them all
        List<Map<String, Object>> paid = runs.evidence(id, "cancel-paid-no-retry-storm");
        assertEquals(7, paid.stream().filter(e -> "COUNTED".equals(e.get("outcome"))).count(), paid.toString());
        assertEquals(7, observed(paid, "MATCHED"), paid.toString());
        String report = given().auth().oauth2(runs.token).get(RUNS + "/" + id + "/report.html").then().statusCode(200).extract().asString();
        assertTrue(report.contains("and 4 more like it, the last at " + lastCall), report);
    }

    @Test
    void aCaseAnotherReplicasJudgeChangedIsReadAgainBeforeTheNextCallIsJudged() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of("Cancel")).getString("id");
        UUID invoice = UUID.randomUUID();
        Instant t = Instant.now();
        runs.send("api-activity", call(name, t, "PUT", CANCEL, 409, invoice, null, null, Map.of())); // this judge now holds the case
        await().atMost(WAIT).until(() -> runs.evidence(id, "cancel-paid-no-retry-storm").size() == 2); // MATCHED and COUNTED
        // three repeats of the same cancel counted by the judge of another replica (the partition moved meanwhile)
        UUID runId = UUID.fromString(id);
        int ordinal = pool.preparedQuery("select ordinal from run_case where run_id = $1 and case_id = 'cancel-paid-no-retry-storm'")
                .execute(Tuple.of(runId)).await().indefinitely().iterator().next().getInteger(0);
        for (int i = 1; i <= 3; i++) {
            pool.preparedQuery("""
                            insert into case_evidence (id, run_id, ordinal, assertion_index, outcome, event_id, occurred_at, method, route, status, invoice_id)
                            values ($1, $2, $3, 1, 'COUNTED', $4, $5, 'PUT', $6, 409, $7)""")
                    .execute(Tuple.tuple(List.of(UUID.randomUUID(), runId, ordinal, UUID.randomUUID(),
                            t.plusMillis(i * 100L).atOffset(java.time.ZoneOffset.UTC), CANCEL, invoice)))
                    .await().indefinitely();
        }
        runs.send("api-activity", call(name, t.plusMillis(400), "PUT", CANCEL, 409, invoice, null, null, Map.of()));
        await().atMost(WAIT).until(() -> "FAILED".equals(runs.caseStatus(id, "cancel-paid-no-retry-storm")));
        assertTrue(runs.caseReason(id, "cancel-paid-no-retry-storm").contains("answered 409 5 times within PT1M"),
                runs.caseReason(id, "cancel-paid-no-retry-storm"));
    }

    /** Calls of an outcome listed, and counted on the listed ones. */
    static long observed(List<Map<String, Object>> evidence, String outcome) {
        return evidence.stream().filter(e -> outcome.equals(e.get("outcome"))).mapToLong(e -> 1 + ((Number) e.get("repeats")).longValue()).sum();
    }

    @Test
    void aRunSelectedWhileTrafficFlowsIsJudgedFromItsFirstRecord() {
        String first = Runs.uniqueName();
        String firstId = runs.selected(first, Runs.VERSION, List.of()).getString("id");
        runs.send("api-activity", call(first, "GET", "/api/v1/merchants/me", 200, null));
        await().atMost(WAIT).until(() -> !runs.evidence(firstId, "onboarding-merchant-read").isEmpty()); // the index is loaded
        for (int i = 0; i < 5; i++) { // each selection commits before its first call is sent: none may be missed
            String name = Runs.uniqueName();
            String id = runs.selected(name, Runs.VERSION, List.of()).getString("id");
            runs.send("api-activity", call(name, "GET", "/api/v1/merchants/me", 200, null));
            await().atMost(WAIT).until(() -> !runs.evidence(id, "onboarding-merchant-read").isEmpty());
        }
    }

    @Test
    void theIndexFollowsSelectionAndCancellationButNotTheJudgesOwnWrites() {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of()).getString("id");
        ActiveRuns.Version version = new ActiveRuns.Version("integrator-app", name, Runs.VERSION);
        assertEquals(Set.of(UUID.fromString(id)), activeRuns.current(pool).await().indefinitely().get(version));

        long generation = generation();
        pool.preparedQuery("update certification_run set merchant_id = $1 where id = $2")
                .execute(Tuple.of(Runs.MERCHANT, UUID.fromString(id))).await().indefinitely();
        assertEquals(generation, generation(), "the merchant seen changes no run's selection");

        given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/cancellation").then().statusCode(200);
        assertTrue(generation() > generation);
        assertEquals(null, activeRuns.current(pool).await().indefinitely().get(version), "a cancelled run is judged no more");
    }

    long generation() {
        return pool.query("select generation from run_generation").execute().await().indefinitely().iterator().next().getLong(0);
    }
}
