package com.invoicepay.report.ops;

import com.invoicepay.common.events.CallbackEvent;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.common.events.Topics;
import com.invoicepay.report.ReportTestSupport.Point;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static com.invoicepay.report.ReportTestSupport.admin;
import static com.invoicepay.report.ReportTestSupport.awaitEntries;
import static com.invoicepay.report.ReportTestSupport.clockAt;
import static com.invoicepay.report.ReportTestSupport.newPoint;
import static com.invoicepay.report.ReportTestSupport.producer;
import static com.invoicepay.report.ReportTestSupport.publish;
import static com.invoicepay.report.ReportTestSupport.publishPaid;
import static com.invoicepay.report.ReportTestSupport.reporting;
import static com.invoicepay.report.ReportTestSupport.resetClock;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ops figures through the real broker and database: invoice and callback events counted once
 * per eventId on their UTC day, payments and transfers from the ledger, the reconciliation match
 * rate, the JSON endpoint (admin only, bad days 400) and today's gauges. The sandbox clock is moved
 * to a day (a year or more ago) no other test uses, so the day's figures are this test's alone.
 */
@QuarkusTest
class OpsSummaryTest {

    @AfterEach
    void reset() {
        resetClock();
    }

    static JsonPath summary(int days) {
        return given().auth().oauth2(admin()).queryParam("days", days).when().get("/api/v1/ops/summary")
                .then().statusCode(200).extract().jsonPath();
    }

    static EventEnvelope invoiceEvent(Point p, String status, Instant at) {
        return new EventEnvelope(UUID.randomUUID(), InvoiceStatusChanged.typeOf(status), 1, at, "invoice-service",
                p.merchantId(), null, null, null, null, EventJson.MAPPER.createObjectNode().put("status", status));
    }

    static EventEnvelope callbackEvent(String type, Instant at) {
        CallbackEvent payload = new CallbackEvent(UUID.randomUUID(), "wh-ops", 1, 3, "https://merchant.example/cb",
                CallbackEvent.DELIVERED.equals(type) ? 200 : 500, null, 12L, null, null, null);
        return new EventEnvelope(UUID.randomUUID(), type, CallbackEvent.SCHEMA_VERSION, at, "callback-service",
                MERCHANT_1.merchantId(), null, null, null, null, EventJson.MAPPER.valueToTree(payload));
    }

    static void publishCallback(EventEnvelope envelope) throws Exception {
        producer().send(new ProducerRecord<>("test-" + Topics.CALLBACK_EVENTS, envelope.merchantId().toString(), envelope))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDaysFiguresComeFromTheEventsTheLedgerAndTheReconciliationsOnceEach() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(ThreadLocalRandom.current().nextInt(400, 3_000));
        Instant at = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
        clockAt(at.plusSeconds(3600));
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        String reference = "OPS-" + UUID.randomUUID().toString().substring(0, 8);

        EventEnvelope created = invoiceEvent(p, "Created", at);
        publish(created);
        publish(created); // delivered twice: counted once
        publish(invoiceEvent(p, "Created", at));
        publish(invoiceEvent(p, "Expired", at));
        publish(invoiceEvent(p, "Canceled", at));
        publish(invoiceEvent(p, "Accepted", at)); // not a figure of the dashboard
        publishPaid(p, "100.00", at, "OPS-INV-1", reference);
        EventEnvelope delivered = callbackEvent(CallbackEvent.DELIVERED, at);
        publishCallback(delivered);
        publishCallback(delivered);
        publishCallback(callbackEvent(CallbackEvent.DELIVERED, at));
        publishCallback(callbackEvent(CallbackEvent.FAILED, at));
        publishCallback(callbackEvent(CallbackEvent.DEAD_LETTERED, at));
        publishCallback(callbackEvent(CallbackEvent.TEST_DELIVERED, at)); // a certification test callback: not counted
        awaitEntries(p, 3); // Payment, TransactionFee, Transfer

        // the instant transfer (100.00 - 2.00 fee) is matched by reference; one line matches nothing, one is malformed
        String statement = "booking_date,amount,currency,reference,text\n"
                + day + ",98.00,DKK," + reference + ",MobilePay transfer\n"
                + day + ",5.55,DKK,not ours,x\n"
                + day + ",oops,DKK,x,y\n";
        String runId = reporting(MERCHANT_1).contentType("text/csv").body(statement).when().post("/api/v1/reconciliations")
                .then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                "Completed".equals(reporting(MERCHANT_1).when().get("/api/v1/reconciliations/" + runId).then().extract().path("status")));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            JsonPath s = summary(1);
            assertEquals(day.toString(), s.getString("days[0].day"));
            assertEquals(Map.of("created", 2, "expired", 1, "canceled", 1, "paid", 1,
                            "delivered", 2, "failed", 1, "deadLettered", 1),
                    Map.of("created", s.getInt("days[0].invoicesCreated"), "expired", s.getInt("days[0].invoicesExpired"),
                            "canceled", s.getInt("days[0].invoicesCanceled"), "paid", s.getInt("days[0].invoicesPaid"),
                            "delivered", s.getInt("days[0].callbacksDelivered"), "failed", s.getInt("days[0].callbacksFailed"),
                            "deadLettered", s.getInt("days[0].callbacksDeadLettered")));
        });
        JsonPath s = summary(3);
        assertEquals(3, s.getList("days").size());
        assertEquals(day.minusDays(2).toString(), s.getString("from"));
        assertEquals(day.toString(), s.getString("days[2].day"));
        assertEquals(0, s.getInt("days[1].invoicesCreated"), "the day before has none of it");
        assertEquals(100.0, s.getDouble("days[2].amountPaid.DKK"), 0.0001);
        assertEquals(98.0, s.getDouble("days[2].amountTransferred.DKK"), 0.0001);
        assertEquals(1.0 / 3, s.getDouble("days[2].reconciliationMatchRate"), 0.0001);

        // the summary of today refreshed the gauges: they are the same figures
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertEquals("2.0", gauge(metrics, "report_ops_invoices_today{status=\"created\""));
        assertEquals("1.0", gauge(metrics, "report_ops_invoices_today{status=\"paid\""));
        assertEquals("1.0", gauge(metrics, "report_ops_callbacks_today{outcome=\"dead_lettered\""));
        assertEquals("98.0", gauge(metrics, "report_ops_amount_transferred_today{currency=\"DKK\""));
        assertEquals(1.0 / 3, Double.parseDouble(gauge(metrics, "report_ops_reconciliation_match_rate_today")), 0.0001);
    }

    /** The value of the first Prometheus sample whose name and labels start with {@code prefix}. */
    static String gauge(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).orElseThrow(() -> new AssertionError(prefix + " not in /q/metrics"));
    }

    @Test
    void daysMustBeAnIntegerFrom1To90() {
        for (String bad : new String[]{"0", "91", "-1", "seven", "1.5", " "}) {
            var answer = given().auth().oauth2(admin()).queryParam("days", bad).when().get("/api/v1/ops/summary");
            assertEquals(400, answer.statusCode(), "days=" + bad);
            answer.then().body("code", equalTo("12011")).body("message", containsString("days"));
        }
        assertEquals(7, summary(7).getList("days").size());
        assertEquals(7, given().auth().oauth2(admin()).when().get("/api/v1/ops/summary").then().statusCode(200)
                .extract().jsonPath().getList("days").size(), "7 days when absent");
        assertEquals(90, summary(90).getList("days").size());
    }

    @Test
    void onlyOperatorsSeeTheFigures() {
        given().when().get("/api/v1/ops/summary").then().statusCode(401);
        reporting(MERCHANT_1).when().get("/api/v1/ops/summary").then().statusCode(403);
    }
}
