package com.invoicepay.report.reconciliation;

import com.invoicepay.report.ReportTestSupport.Point;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static com.invoicepay.report.ReportTestSupport.COPENHAGEN;
import static com.invoicepay.report.ReportTestSupport.awaitEntries;
import static com.invoicepay.report.ReportTestSupport.clockAt;
import static com.invoicepay.report.ReportTestSupport.newPoint;
import static com.invoicepay.report.ReportTestSupport.publishPaid;
import static com.invoicepay.report.ReportTestSupport.reporting;
import static com.invoicepay.report.ReportTestSupport.resetClock;
import static com.invoicepay.report.ReportTestSupport.runNight;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A CSV bank statement reconciled against real transfers: matches, mismatches, missing and malformed lines. */
@QuarkusTest
class ReconciliationTest {

    @AfterEach
    void reset() {
        resetClock();
    }

    static Map<String, Object> transferOf(Point p, String reference) {
        List<Map<String, Object>> transfers = reporting(MERCHANT_1).queryParam("paymentpointid", p.id())
                .when().get("/v3/reporting/transfers").then().statusCode(200).extract().path("transfers");
        return transfers.stream().filter(t -> reference == null || reference.equals(t.get("reference"))).findFirst()
                .orElseThrow(() -> new AssertionError(transfers));
    }

    @Test
    void aStatementIsMatchedByReferenceThenByAmountAndDate() {
        Point instant = newPoint(MERCHANT_1, "DK", "Instant");
        Instant now = Instant.now();
        publishPaid(instant, "731.17", now, "REC-INV-1", "REC-REF-1");   // transfer 722.86 under REC-REF-1
        publishPaid(instant, "517.39", now, "REC-INV-2", "REC-REF-2");   // transfer 511.22
        publishPaid(instant, "313.13", now, "REC-INV-3", "REC-REF-3");   // transfer 309.00 (fee 3.1313 + 1.00 → 4.13)
        awaitEntries(instant, 9);
        Point daily = newPoint(MERCHANT_1, "DK", "Daily");
        publishPaid(daily, "444.44", Instant.parse("2026-08-03T10:00:00Z"), "REC-D-1", null);
        awaitEntries(daily, 2);
        clockAt(Instant.parse("2026-08-04T01:00:00Z"));
        runNight();
        resetClock();

        String t1 = (String) transferOf(instant, "REC-REF-1").get("id");
        String t2 = (String) transferOf(instant, "REC-REF-2").get("id");
        String t3 = (String) transferOf(instant, "REC-REF-3").get("id");
        String t4 = (String) transferOf(daily, null).get("id");
        String day = LocalDate.now(COPENHAGEN).toString();
        String nextDay = LocalDate.now(COPENHAGEN).plusDays(1).toString();
        String statement = "booking_date,amount,currency,reference,text\n"
                + day + ",722.86,DKK,REC-REF-1,MobilePay transfer\n"             // 2: by reference
                + nextDay + ",511.22,DKK,bank mangled it,\"MobilePay, transfer\"\n" // 3: by amount within the window
                + day + ",310.00,DKK,REC-REF-3,MobilePay transfer\n"             // 4: reference, amount differs
                + day + ",12.34,DKK,R\\N\tT,not ours\n"                      // 5: unmatched (COPY's escapes in it)
                + "2026-08-04,oops,DKK,x,y\n"                                      // 6: malformed
                + "\n"
                + "2026-08-04,440.00,DKK,,short line\n"                            // 8: fine but matches nothing
                + "2026-08-04,1.00,DKK,x,\u0000\n"                                  // 9: malformed (NUL)
                + "0000-01-01,1.00,DKK,x,year zero\n";                            // 10: malformed (COPY had failed the run)
        Response started = reporting(MERCHANT_1).contentType("text/csv").body(statement)
                .when().post("/api/v1/reconciliations");
        started.then().statusCode(202).header("Location", containsString("/api/v1/reconciliations/"));
        Response created = completed(started.path("id"));
        created.then().statusCode(200).body("status", equalTo("Completed")).body("percent", equalTo(100))
                .body("linesRead", equalTo(8)).body("lines", equalTo(5)).body("malformed", equalTo(3))
                .body("malformedLines[0].lineNumber", equalTo(6)).body("malformedLines[0].reason", containsString("amount"))
                .body("malformedLines[1].lineNumber", equalTo(9)).body("malformedLines[1].reason", containsString("NUL"))
                .body("malformedLines[2].lineNumber", equalTo(10)).body("malformedLines[2].reason", containsString("0001-9999"))
                .body("amountMismatch", equalTo(1)).body("dateWindowDays", equalTo(3))
                .body("periodStart", equalTo("2026-08-04")).body("completedAt", org.hamcrest.Matchers.notNullValue());
        String runId = created.path("id");
        int matched = created.path("matched");
        assertTrue(matched >= 2, created.asString());

        List<Map<String, Object>> results = reporting(MERCHANT_1).queryParam("pagesize", 1000)
                .when().get("/api/v1/reconciliations/" + runId + "/results").then().statusCode(200)
                .extract().path("results");
        Map<String, Object> byRef = line(results, 2);
        assertEquals("Matched", byRef.get("outcome"));
        assertEquals("reference", byRef.get("matchedBy"));
        assertEquals(t1, byRef.get("transferId"));
        assertEquals(List.of(Map.of("invoiceNumber", "REC-INV-1", "paymentReference", "REC-REF-1")), byRef.get("invoices"));
        Map<String, Object> byAmount = line(results, 3);
        assertEquals("Matched", byAmount.get("outcome"));
        assertEquals("amount-and-date", byAmount.get("matchedBy"));
        assertEquals(t2, byAmount.get("transferId"));
        Map<String, Object> mismatch = line(results, 4);
        assertEquals("AmountMismatch", mismatch.get("outcome"));
        assertEquals(t3, mismatch.get("transferId"));
        assertEquals(0, new BigDecimal("309.00").compareTo(new BigDecimal(String.valueOf(mismatch.get("transferAmount")))));
        assertEquals("UnmatchedStatementLine", line(results, 5).get("outcome"));
        assertEquals("R\\N\tT", line(results, 5).get("reference"), "staged through COPY unchanged");
        assertEquals("UnmatchedStatementLine", line(results, 8).get("outcome"));
        assertTrue(results.stream().anyMatch(r -> "MissingFromStatement".equals(r.get("outcome")) && t4.equals(r.get("transferId"))),
                "the daily transfer of 4 August is not on the statement");

        String csv = reporting(MERCHANT_1).accept("text/csv").queryParam("pagesize", 1000)
                .when().get("/api/v1/reconciliations/" + runId + "/results").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        assertTrue(csv.startsWith("outcome,matchedBy,lineNumber,transferId,reference,statementAmount,transferAmount,invoices"), csv);
        assertTrue(csv.contains("Matched,reference,2," + t1 + ",REC-REF-1,722.86,722.86,REC-INV-1/REC-REF-1"), csv);

        // announced on report-events
        try (io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion kafka =
                     new io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion("127.0.0.1:9092")) {
            kafka.registerSerde(com.invoicepay.common.events.EventEnvelope.class, new com.invoicepay.common.events.EnvelopeSerializer(),
                    new com.invoicepay.common.events.EnvelopeDeserializer());
            var events = kafka.consume(String.class, com.invoicepay.common.events.EventEnvelope.class).fromTopics("test-report-events");
            var completed = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> events.getRecords()
                    .stream().filter(r -> r.value() != null && "ReconciliationCompleted".equals(r.value().type())
                            && runId.equals(r.value().payload().path("runId").asText())).findFirst(), java.util.Optional::isPresent)
                    .orElseThrow();
            events.stop();
            assertEquals(MERCHANT_1.merchantId().toString(), completed.key());
            assertEquals(1, completed.value().payload().path("amountMismatch").asInt());
            assertEquals(3, completed.value().payload().path("malformed").asInt());
        }

        // another merchant never sees the run
        reporting(MERCHANT_2).when().get("/api/v1/reconciliations/" + runId).then().statusCode(404);
        reporting(MERCHANT_2).when().get("/api/v1/reconciliations/" + runId + "/results").then().statusCode(404);
        // the progress stream too: a 404 with the error body, not a 200 stream that is cut (system-tests' access matrix)
        reporting(MERCHANT_2).accept("text/event-stream").when().get("/api/v1/reconciliations/" + runId + "/progress").then()
                .statusCode(404).contentType("application/json").body("code", equalTo("90044"));
        reporting(MERCHANT_1).accept("text/event-stream").when().get("/api/v1/reconciliations/" + java.util.UUID.randomUUID() + "/progress")
                .then().statusCode(404).body("code", equalTo("90044"));
    }

    /** The run's summary once it has ended (runs are jobs). */
    static Response completed(String runId) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> !"Running".equals(reporting(MERCHANT_1).when().get("/api/v1/reconciliations/" + runId)
                        .then().statusCode(200).extract().path("status")));
        return reporting(MERCHANT_1).when().get("/api/v1/reconciliations/" + runId);
    }

    @Test
    void aLargerStatementRunsAsAJobWithProgressAsServerSentEvents() {
        StringBuilder statement = new StringBuilder("booking_date,amount,currency,reference,text\n");
        for (int i = 0; i < 20_000; i++) {
            statement.append("2026-02-0").append(1 + i % 9).append(',').append(i % 500).append('.').append(i % 90 + 10)
                    .append(",DKK,BULK-").append(i).append(",line ").append(i).append('\n');
            if (i % 1000 == 999) {
                statement.append("not,a,line\n");
            }
        }
        Response started = reporting(MERCHANT_1).contentType("text/csv").body(statement.toString())
                .when().post("/api/v1/reconciliations");
        started.then().statusCode(202).body("status", org.hamcrest.Matchers.oneOf("Running", "Completed"));
        String runId = started.path("id");
        String events = reporting(MERCHANT_1).accept("text/event-stream").when()
                .get("/api/v1/reconciliations/" + runId + "/progress").then().statusCode(200).extract().asString();
        assertTrue(events.contains("data:"), events);
        String last = events.substring(events.lastIndexOf("data:"));
        assertTrue(last.contains("\"status\":\"Completed\"") && last.contains("\"percent\":100"), last);
        completed(runId).then().body("lines", equalTo(20_000)).body("malformed", equalTo(20))
                .body("unmatchedStatementLines", equalTo(20_000)).body("malformedLines[0].lineNumber", equalTo(1002))
                .body("linesPerSecond", org.hamcrest.Matchers.greaterThan(0f));
        reporting(MERCHANT_1).queryParam("pagesize", 10).queryParam("pagenumber", 3)
                .when().get("/api/v1/reconciliations/" + runId + "/results").then().statusCode(200)
                .body("results", org.hamcrest.Matchers.hasSize(10)).body("nextPageNumber", equalTo(4))
                .body("results[0].lineNumber", equalTo(22));
    }

    @Test
    void aStatementAboveTheOtherBodiesLimitStreamsInWhileOtherBodiesStayUnder10MiB() {
        // 250 000 lines, about 13 MB: over the 10 MiB every other body is held to
        StringBuilder statement = new StringBuilder(14_000_000).append("booking_date,amount,currency,reference,text\n");
        for (int i = 0; i < 250_000; i++) {
            statement.append("2025-03-").append(10 + i % 19).append(',').append(i % 900 + 1).append(".25,DKK,BIG-")
                    .append(i).append(",bulk upload line\n");
        }
        byte[] body = statement.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(body.length > 10 * 1024 * 1024, "the statement is over 10 MiB: " + body.length);
        String runId = reporting(MERCHANT_1).contentType("text/csv").body(body).when().post("/api/v1/reconciliations")
                .then().statusCode(202).extract().path("id");
        completed(runId).then().body("status", equalTo("Completed")).body("lines", equalTo(250_000))
                .body("malformed", equalTo(0)).body("unmatchedStatementLines", equalTo(250_000));

        byte[] tooLarge = new byte[10 * 1024 * 1024 + 1];
        java.util.Arrays.fill(tooLarge, (byte) ' ');
        io.restassured.RestAssured.given().auth().oauth2(com.invoicepay.report.ReportTestSupport.admin())
                .contentType("application/json").body(tooLarge)
                .when().post("/admin/ledger/paymentpoints/" + java.util.UUID.randomUUID() + "/adjustments")
                .then().statusCode(413).body("code", equalTo("90048"));
    }

    static Map<String, Object> line(List<Map<String, Object>> results, int number) {
        return results.stream().filter(r -> Integer.valueOf(number).equals(r.get("lineNumber"))).findFirst()
                .orElseThrow(() -> new AssertionError("no result for line " + number + ": " + results));
    }

    @Test
    void aCamt053StatementIsReconciledWhetherDeclaredXmlOrSniffed() {
        Point instant = newPoint(MERCHANT_1, "DK", "Instant");
        String reference = "CAMT-" + instant.id().toString().substring(0, 8);
        publishPaid(instant, "731.17", Instant.now(), "CAMT-INV", reference); // transfer 722.86
        awaitEntries(instant, 3);
        String transfer = (String) transferOf(instant, reference).get("id");
        String day = LocalDate.now(COPENHAGEN).toString();
        String camt = Camt053ReaderTest.HEAD
                + Camt053ReaderTest.entry("722.86", "DKK", "CRDT", "<Dt>" + day + "</Dt>",
                "<NtryDtls><TxDtls><RmtInf><Ustrd>" + reference + "</Ustrd></RmtInf></TxDtls></NtryDtls>")
                + Camt053ReaderTest.entry("5.00", null, "CRDT", "<Dt>" + day + "</Dt>", "")
                + Camt053ReaderTest.TAIL;
        for (String type : List.of("application/xml", "text/plain")) {
            Response started = reporting(MERCHANT_1).contentType(type).body(camt).when().post("/api/v1/reconciliations");
            started.then().statusCode(202);
            String runId = started.path("id");
            completed(runId).then().body("status", equalTo("Completed")).body("lines", equalTo(1)).body("malformed", equalTo(1))
                    .body("matched", equalTo(1)).body("malformedLines[0].lineNumber", equalTo(2))
                    .body("malformedLines[0].reason", equalTo("entry 2 (line 9, column 7): Amt has no three-letter Ccy"));
            List<Map<String, Object>> results = reporting(MERCHANT_1).when().get("/api/v1/reconciliations/" + runId + "/results")
                    .then().statusCode(200).extract().path("results");
            Map<String, Object> first = line(results, 1);
            assertEquals("Matched", first.get("outcome"), type);
            assertEquals("reference", first.get("matchedBy"));
            assertEquals(transfer, first.get("transferId"));
        }
        reporting(MERCHANT_1).contentType("application/xml").body("<html><body>hello</body></html>")
                .when().post("/api/v1/reconciliations").then().statusCode(400).body("code", equalTo("12010"))
                .body("message", containsString("BkToCstmrStmt"));
    }

    @Test
    void aFileThatIsNotAStatementIs400() {
        reporting(MERCHANT_1).contentType("text/csv").body("hello,world\n1,2\n").when().post("/api/v1/reconciliations")
                .then().statusCode(400).body("code", equalTo("12010"));
        reporting(MERCHANT_1).contentType("text/csv").body("").when().post("/api/v1/reconciliations")
                .then().statusCode(400).body("code", equalTo("12010"));
    }
}
