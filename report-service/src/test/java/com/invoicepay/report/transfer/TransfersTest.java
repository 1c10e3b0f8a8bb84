package com.invoicepay.report.transfer;

import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.report.ReportTestSupport.Paid;
import com.invoicepay.report.ReportTestSupport.Point;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.invoicepay.report.ReportTestSupport.admin;
import static com.invoicepay.report.ReportTestSupport.awaitEntries;
import static com.invoicepay.report.ReportTestSupport.clockAt;
import static com.invoicepay.report.ReportTestSupport.merchantOf;
import static com.invoicepay.report.ReportTestSupport.newPoint;
import static com.invoicepay.report.ReportTestSupport.publish;
import static com.invoicepay.report.ReportTestSupport.publishPaid;
import static com.invoicepay.report.ReportTestSupport.reporting;
import static com.invoicepay.report.ReportTestSupport.resetClock;
import static com.invoicepay.report.ReportTestSupport.runNight;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ledger and transfers through the real broker and database: InvoicePaid in, entries, instant and
 * daily transfers out, with the sandbox clock moved across midnight, DST changes and missed nights.
 */
@QuarkusTest
class TransfersTest {

    @AfterEach
    void reset() {
        resetClock();
    }

    static List<Map<String, Object>> transactions(Point p) {
        return reporting(merchantOf(p)).queryParam("paymentpointid", p.id()).queryParam("pagesize", 1000)
                .queryParam("sortdirection", "asc").when().get("/v3/reporting/transactions").then().statusCode(200)
                .extract().path("transactions");
    }

    static List<Map<String, Object>> transfers(Point p) {
        return reporting(merchantOf(p)).queryParam("paymentpointid", p.id()).queryParam("pagesize", 1000)
                .queryParam("sortdirection", "asc").when().get("/v3/reporting/transfers").then().statusCode(200)
                .extract().path("transfers");
    }

    static List<Map<String, Object>> ofType(List<Map<String, Object>> entries, String type) {
        return entries.stream().filter(e -> type.equals(e.get("type"))).toList();
    }

    static BigDecimal amount(Map<String, Object> row, String field) {
        return new BigDecimal(String.valueOf(row.get(field)));
    }

    static void assertInvariantsHold() {
        given().auth().oauth2(admin()).when().get("/admin/ledger/invariants").then().statusCode(200)
                .body("holds", org.hamcrest.Matchers.equalTo(true));
    }

    // ---- instant --------------------------------------------------------------------------------

    @Test
    void instantIssuerGetsATransferPerPaymentAtOnceUnderPaymentReferenceElseInvoiceNumber() {
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        Instant at = Instant.now().minusSeconds(120);
        Paid withRef = publishPaid(p, "150.50", at, "INV-A-1", "PAYREF-1234567890-1234567890-EXTRA");
        Paid withoutRef = publishPaid(p, "200.00", at.plusSeconds(1), "INV-B-only-number", null);
        awaitEntries(p, 6);

        List<Map<String, Object>> transfers = transfers(p);
        assertEquals(2, transfers.size(), transfers.toString());
        Map<String, Object> first = transfers.stream().filter(t -> amount(t, "totalTransferredAmount")
                .compareTo(new BigDecimal("147.99")) == 0).findFirst().orElseThrow(() -> new AssertionError(transfers));
        assertEquals("PAYREF-1234567890-1234567890-E", first.get("reference"), "PaymentReference cut to 30 characters");
        assertEquals("DKK", first.get("currencyCode"));
        assertEquals(p.id().toString(), first.get("paymentPointId"));
        Map<String, Object> second = transfers.stream().filter(t -> !t.equals(first)).findFirst().orElseThrow();
        assertEquals("INV-B-only-number", second.get("reference"), "no PaymentReference: InvoiceNumber");
        assertEquals(0, new BigDecimal("197.00").compareTo(amount(second, "totalTransferredAmount")), "200.00 - (2.00 + 1.00)");

        List<Map<String, Object>> entries = transactions(p);
        Map<String, Object> payment = ofType(entries, "Payment").stream()
                .filter(e -> "INV-A-1".equals(e.get("merchantReference"))).findFirst().orElseThrow();
        assertEquals(withRef.payload().paymentTransactionId(), payment.get("paymentId"));
        assertEquals("PAYREF-1234567890-1234567890-EXTRA", payment.get("message"));
        assertEquals(0, new BigDecimal("150.50").compareTo(amount(payment, "amount")));
        assertEquals("PAYREF-1234567890-1234567890-E", payment.get("transferReference"));
        List<BigDecimal> fees = ofType(entries, "TransactionFee").stream().map(e -> amount(e, "amount").setScale(2)).sorted().toList();
        assertEquals(List.of(new BigDecimal("-3.00"), new BigDecimal("-2.51")), fees, "1 % + 1.00, half-up: 1.505 + 1.00 → 2.51");
        assertEquals(2, ofType(entries, "Transfer").size());
        assertTrue(ofType(entries, "Payment").stream().anyMatch(e -> withoutRef.payload().invoiceNumber().equals(e.get("merchantReference"))
                && e.get("message") == null));
        assertInvariantsHold();
    }

    @Test
    void eachTransferIsAnnouncedOnReportEvents() {
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        try (KafkaCompanion kafka = new KafkaCompanion("127.0.0.1:9092")) {
            kafka.registerSerde(EventEnvelope.class, new EnvelopeSerializer(), new EnvelopeDeserializer());
            ConsumerTask<String, EventEnvelope> events = kafka.consume(String.class, EventEnvelope.class)
                    .fromTopics("test-report-events");
            publishPaid(p, "99.00", Instant.now(), "INV-EVT", "REF-EVT");
            awaitEntries(p, 3);
            String transferId = (String) transfers(p).get(0).get("id");
            var record = await().atMost(Duration.ofSeconds(30)).until(() -> events.getRecords().stream()
                    .filter(r -> r.value() != null && "TransferExecuted".equals(r.value().type())
                            && transferId.equals(r.value().payload().path("transferId").asText()))
                    .findFirst(), java.util.Optional::isPresent).orElseThrow();
            events.stop();
            assertEquals(MERCHANT_1.merchantId().toString(), record.key(), "report-events is keyed by merchant");
            assertEquals("report-service", record.value().source());
            assertEquals("REF-EVT", record.value().payload().path("reference").asText());
            assertEquals(0, new BigDecimal("97.01").compareTo(record.value().payload().path("amount").decimalValue()), "99.00 - 1.99");
            assertEquals("Instant", record.value().payload().path("method").asText());
        }
    }

    /** Tracing across Kafka: the transfer a payment causes is announced in the payment's trace (issue #8). */
    @Test
    void anInstantTransferIsAnnouncedInThePaymentsTrace() {
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        String traceId = java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(16).putLong(System.nanoTime()).putLong(42).array());
        String paymentSpan = "00f067aa0ba902b7";
        try (KafkaCompanion kafka = new KafkaCompanion("127.0.0.1:9092")) {
            kafka.registerSerde(EventEnvelope.class, new EnvelopeSerializer(), new EnvelopeDeserializer());
            ConsumerTask<String, EventEnvelope> events = kafka.consume(String.class, EventEnvelope.class)
                    .fromTopics("test-report-events");
            com.invoicepay.report.ReportTestSupport.Paid paid = com.invoicepay.report.ReportTestSupport.paid(p, "42.00", Instant.now(), "INV-TRACE", "REF-" + traceId.substring(0, 12));
            com.invoicepay.report.ReportTestSupport.publish(paid.envelope(), "00-" + traceId + "-" + paymentSpan + "-01");
            var record = await().atMost(Duration.ofSeconds(30)).until(() -> events.getRecords().stream()
                    .filter(r -> r.value() != null && "TransferExecuted".equals(r.value().type())
                            && ("REF-" + traceId.substring(0, 12)).equals(r.value().payload().path("reference").asText())
                            && r.key().equals(MERCHANT_1.merchantId().toString())
                            && r.headers().lastHeader("traceparent") != null)
                    .findFirst(), java.util.Optional::isPresent).orElseThrow();
            events.stop();
            String[] traceparent = new String(record.headers().lastHeader("traceparent").value(), java.nio.charset.StandardCharsets.UTF_8).split("-");
            assertEquals(traceId, traceparent[1], "the transfer's record carries the payment's trace id");
            assertNotEquals(paymentSpan, traceparent[2], "under a span of its own (consumer, then producer)");
        }
    }

    @Test
    void aRedeliveredOrRepeatedPaidEventBooksOnePayment() {
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        Paid paid = publishPaid(p, "80.00", Instant.now(), "INV-DUP", null);
        publish(paid.envelope()); // the same event again (at-least-once delivery)
        EventEnvelope again = new EventEnvelope(java.util.UUID.randomUUID(), paid.envelope().type(), 1,
                paid.envelope().occurredAt(), "invoice-service", p.merchantId(), null, null, null, null, paid.envelope().payload());
        publish(again); // another event announcing the same payment
        publishPaid(p, "10.00", Instant.now(), "INV-MARKER", null); // same partition, after the duplicates
        awaitEntries(p, 6);
        List<Map<String, Object>> entries = transactions(p);
        assertEquals(2, ofType(entries, "Payment").size(), entries.toString());
        assertEquals(2, ofType(entries, "TransactionFee").size());
        assertEquals(2, transfers(p).size());
        assertInvariantsHold();
    }

    // ---- daily ----------------------------------------------------------------------------------

    @Test
    void dailyPaymentsOfDayXAreTransferredInTheNightToXPlus1InTheIssuersZone() {
        Point p = newPoint(MERCHANT_1, "DK", "Daily");
        // June: Copenhagen is UTC+2
        publishPaid(p, "10.00", Instant.parse("2026-06-09T22:30:00Z"), "D-1", "R-1");  // 00:30 on 10 June there
        publishPaid(p, "100.00", Instant.parse("2026-06-10T08:00:00Z"), "D-2", null);
        publishPaid(p, "50.50", Instant.parse("2026-06-10T21:30:00Z"), "D-3", null);   // 23:30 on 10 June
        publishPaid(p, "20.00", Instant.parse("2026-06-10T22:30:00Z"), "D-4", null);   // 00:30 on 11 June
        awaitEntries(p, 8);
        assertEquals(List.of(), transfers(p), "nothing is transferred before its night");

        clockAt(Instant.parse("2026-06-10T21:45:00Z")); // 23:45 on 10 June in Copenhagen
        runNight();
        assertEquals(List.of(), transfers(p), "10 June has not ended in Copenhagen");

        clockAt(Instant.parse("2026-06-10T22:15:00Z")); // 00:15 on 11 June
        runNight();
        List<Map<String, Object>> transfers = transfers(p);
        assertEquals(1, transfers.size(), transfers.toString());
        Map<String, Object> t = transfers.get(0);
        // 160.50 paid on 10 June, fees 1.10 + 2.00 + 1.51 (0.505 + 1.00 half-up)
        assertEquals(0, new BigDecimal("155.89").compareTo(amount(t, "totalTransferredAmount")), t.toString());
        String ref = (String) t.get("reference");
        assertTrue(ref.matches("0400000000\\d{3}110626\\d"), ref);
        assertTrue(BankReference.luhnValid(ref), ref);
        assertEquals("2026-06-10T22:15", ((String) t.get("date")).substring(0, 16));

        List<Map<String, Object>> entries = transactions(p);
        Map<String, Object> late = ofType(entries, "Payment").stream().filter(e -> "D-4".equals(e.get("merchantReference")))
                .findFirst().orElseThrow();
        assertNull(late.get("transferReference"), "11 June's payment waits for its own night");
        ofType(entries, "Payment").stream().filter(e -> !"D-4".equals(e.get("merchantReference")))
                .forEach(e -> {
                    assertEquals(ref, e.get("transferReference"));
                    assertEquals("2026-06-11", e.get("transferDate"));
                });

        runNight(); // the same night again: nothing twice
        assertEquals(1, transfers(p).size());

        clockAt(Instant.parse("2026-06-11T22:05:00Z")); // 00:05 on 12 June
        runNight();
        List<Map<String, Object>> after = transfers(p);
        assertEquals(2, after.size());
        assertEquals(0, new BigDecimal("18.80").compareTo(amount(after.get(1), "totalTransferredAmount")));
        assertTrue(((String) after.get(1).get("reference")).matches("0400000000\\d{3}120626\\d"));
        assertInvariantsHold();
    }

    /** Tracing (issue #8): a daily transfer is a trace of its own, linked to the payments it carries. */
    @Test
    void aDailyTransferLinksToThePaymentsItSettles() {
        Point p = newPoint(MERCHANT_1, "DK", "Daily");
        List<String> traceIds = new java.util.ArrayList<>();
        for (String amount : List.of("11.00", "22.00")) {
            String traceId = UUID.randomUUID().toString().replace("-", "");
            traceIds.add(traceId);
            com.invoicepay.report.ReportTestSupport.publish(com.invoicepay.report.ReportTestSupport.paid(p, amount,
                    Instant.parse("2026-07-01T08:00:00Z"), "DT-" + amount, null).envelope(), "00-" + traceId + "-a3ce929d0e0e4736-01");
        }
        awaitEntries(p, 4);
        clockAt(Instant.parse("2026-07-01T22:30:00Z")); // 00:30 on 2 July in Copenhagen
        runNight();
        String transferId = (String) transfers(p).get(0).get("id");
        var span = await().atMost(Duration.ofSeconds(10)).until(() -> com.invoicepay.testsupport.RecordedSpans.named("daily transfer").stream()
                .filter(s -> transferId.equals(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("transfer.id"))))
                .findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertEquals(java.util.Set.copyOf(traceIds), span.getLinks().stream().map(l -> l.getSpanContext().getTraceId())
                .collect(java.util.stream.Collectors.toSet()), "one link per payment's trace");
        assertFalse(traceIds.contains(span.getTraceId()), "the transfer's own trace, not one of its payments'");
    }

    @Test
    void theDayOfTheSpringDstChangeHas23HoursInCopenhagen() {
        Point p = newPoint(MERCHANT_1, "DK", "Daily");
        publishPaid(p, "100.00", Instant.parse("2026-03-28T23:30:00Z"), "S-1", null); // 00:30 CET, 29 March
        publishPaid(p, "100.00", Instant.parse("2026-03-29T21:30:00Z"), "S-2", null); // 23:30 CEST, 29 March
        publishPaid(p, "100.00", Instant.parse("2026-03-29T22:30:00Z"), "S-3", null); // 00:30 CEST, 30 March
        awaitEntries(p, 6);

        clockAt(Instant.parse("2026-03-29T21:45:00Z")); // 23:45 CEST, still 29 March
        runNight();
        assertEquals(List.of(), transfers(p));

        clockAt(Instant.parse("2026-03-29T22:15:00Z")); // 00:15 CEST on 30 March (a fixed +01:00 would say 23:15)
        runNight();
        List<Map<String, Object>> transfers = transfers(p);
        assertEquals(1, transfers.size(), transfers.toString());
        assertEquals(0, new BigDecimal("196.00").compareTo(amount(transfers.get(0), "totalTransferredAmount")));
        String ref = (String) transfers.get(0).get("reference");
        assertTrue(ref.matches("0400000000\\d{3}300326\\d") && BankReference.luhnValid(ref), ref);
        assertInvariantsHold();
    }

    @Test
    void theDayOfTheAutumnDstChangeHas25HoursInCopenhagen() {
        Point p = newPoint(MERCHANT_1, "DK", "Daily");
        publishPaid(p, "100.00", Instant.parse("2026-10-24T22:30:00Z"), "A-1", null); // 00:30 CEST, 25 October
        publishPaid(p, "100.00", Instant.parse("2026-10-25T22:30:00Z"), "A-2", null); // 23:30 CET, 25 October
        publishPaid(p, "100.00", Instant.parse("2026-10-25T23:30:00Z"), "A-3", null); // 00:30 CET, 26 October
        awaitEntries(p, 6);

        clockAt(Instant.parse("2026-10-25T22:45:00Z")); // 23:45 CET, still 25 October (a fixed +02:00 would say 26)
        runNight();
        assertEquals(List.of(), transfers(p));

        clockAt(Instant.parse("2026-10-25T23:15:00Z")); // 00:15 CET on 26 October
        runNight();
        List<Map<String, Object>> transfers = transfers(p);
        assertEquals(1, transfers.size(), transfers.toString());
        assertEquals(0, new BigDecimal("196.00").compareTo(amount(transfers.get(0), "totalTransferredAmount")));
        String ref = (String) transfers.get(0).get("reference");
        assertTrue(ref.matches("0400000000\\d{3}261026\\d") && BankReference.luhnValid(ref), ref);
        assertInvariantsHold();
    }

    @Test
    void nightsMissedDuringDowntimeAreCaughtUpOneTransferPerDay() {
        Point p = newPoint(MERCHANT_1, "FI", "Daily"); // Helsinki, EUR: 1 % + 0.10
        publishPaid(p, "100.00", Instant.parse("2026-09-14T09:00:00Z"), "M-1", null);
        publishPaid(p, "50.00", Instant.parse("2026-09-15T09:00:00Z"), "M-2", null);
        publishPaid(p, "10.00", Instant.parse("2026-09-16T09:00:00Z"), "M-3", null);
        awaitEntries(p, 6);

        clockAt(Instant.parse("2026-09-17T00:30:00Z")); // 03:30 on 17 September in Helsinki; two nights were missed
        runNight();
        List<Map<String, Object>> transfers = transfers(p);
        assertEquals(3, transfers.size(), transfers.toString());
        List<BigDecimal> amounts = transfers.stream().map(t -> amount(t, "totalTransferredAmount").stripTrailingZeros()).sorted().toList();
        assertEquals(List.of(new BigDecimal("9.8"), new BigDecimal("49.4"), new BigDecimal("98.9")), amounts);
        List<String> refs = transfers.stream().map(t -> (String) t.get("reference")).toList();
        assertEquals(3, refs.stream().map(r -> r.substring(10, 13)).distinct().count(), "running numbers of one night differ: " + refs);
        refs.forEach(r -> assertTrue(r.matches("0400000000\\d{3}170926\\d") && BankReference.luhnValid(r), r));
        assertTrue(transfers.stream().allMatch(t -> "EUR".equals(t.get("currencyCode"))));

        runNight();
        assertEquals(3, transfers(p).size(), "running the night again executes nothing twice");
        assertInvariantsHold();
    }

    @Test
    void nightRunsStartedTogetherTransferOnce() throws Exception {
        Point p = newPoint(MERCHANT_1, "DK", "Daily");
        for (int i = 0; i < 5; i++) {
            publishPaid(p, "10.00", Instant.parse("2026-05-05T10:00:00Z").plusSeconds(i), "C-" + i, null);
        }
        awaitEntries(p, 10);
        clockAt(Instant.parse("2026-05-06T01:00:00Z"));
        String token = admin();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> given().auth().oauth2(token).when().post("/sandbox/transfers/night-run")
                        .then().statusCode(200).extract().<Integer>path("transfersExecuted")));
            }
            for (Future<Integer> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }
        List<Map<String, Object>> transfers = transfers(p);
        assertEquals(1, transfers.size(), transfers.toString());
        assertEquals(0, new BigDecimal("44.50").compareTo(amount(transfers.get(0), "totalTransferredAmount")), "5 × (10.00 − 1.10)");
        assertInvariantsHold();
    }

    @Test
    void aPaymentArrivingAfterItsDaysTransferRidesTheNextNight() {
        Point p = newPoint(MERCHANT_1, "DK", "Daily");
        publishPaid(p, "30.00", Instant.parse("2026-04-14T10:00:00Z"), "L-1", null);
        awaitEntries(p, 2);
        clockAt(Instant.parse("2026-04-15T00:30:00Z"));
        runNight();
        assertEquals(1, transfers(p).size());

        publishPaid(p, "40.00", Instant.parse("2026-04-14T12:00:00Z"), "L-2", null); // delivered late
        awaitEntries(p, 5);
        runNight();
        assertEquals(1, transfers(p).size(), "14 April was transferred already; the late payment belongs to 15 April");

        clockAt(Instant.parse("2026-04-16T00:30:00Z"));
        runNight();
        List<Map<String, Object>> transfers = transfers(p);
        assertEquals(2, transfers.size());
        assertEquals(0, new BigDecimal("38.60").compareTo(amount(transfers.get(1), "totalTransferredAmount")));
        assertInvariantsHold();
    }

    @Test
    void aPaymentOfADayWhoseNightRanBeforeTheClockWasMovedBackRidesTheNextNightThatHasNotRun() {
        Point p = newPoint(MERCHANT_1, "DK", "Daily");
        publishPaid(p, "30.00", Instant.parse("2026-05-04T10:00:00Z"), "B-1", null);
        awaitEntries(p, 2);
        clockAt(Instant.parse("2026-05-05T00:30:00Z")); // the night of 4 May runs
        runNight();
        assertEquals(1, transfers(p).size());

        clockAt(Instant.parse("2026-05-04T15:00:00Z")); // a sandbox clock moved back into 4 May
        publishPaid(p, "40.00", Instant.parse("2026-05-04T14:00:00Z"), "B-2", null);
        awaitEntries(p, 5);
        clockAt(Instant.parse("2026-05-05T00:30:00Z"));
        runNight();
        assertEquals(1, transfers(p).size(), "4 May ran already: the payment belongs to 5 May, not to a night that will never come again");

        clockAt(Instant.parse("2026-05-06T00:30:00Z"));
        runNight();
        List<Map<String, Object>> transfers = transfers(p);
        assertEquals(2, transfers.size(), "5 May's night carries it");
        assertEquals(0, new BigDecimal("38.60").compareTo(amount(transfers.get(1), "totalTransferredAmount")));
        assertInvariantsHold();
    }

    @Test
    void anAdjustmentIsBookedAppendOnlyAndTransferredWithTheNextNight() {
        Point p = newPoint(MERCHANT_1, "DK", "Daily");
        publishPaid(p, "100.00", Instant.parse("2026-07-01T10:00:00Z"), "ADJ-1", null);
        awaitEntries(p, 2);
        clockAt(Instant.parse("2026-07-01T12:00:00Z"));
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("amount", new BigDecimal("-5.00"), "note", "refund of a double charge"))
                .when().post("/admin/ledger/paymentpoints/" + p.id() + "/adjustments").then().statusCode(201)
                .body("businessDay", org.hamcrest.Matchers.equalTo("2026-07-01"));
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("amount", BigDecimal.ZERO, "note", "x"))
                .when().post("/admin/ledger/paymentpoints/" + p.id() + "/adjustments").then().statusCode(400)
                .body("code", org.hamcrest.Matchers.equalTo("12009"));
        given().auth().oauth2(admin()).when().get("/admin/ledger/paymentpoints/" + p.id() + "/balance").then().statusCode(200)
                .body("[0].balance", org.hamcrest.Matchers.equalTo(93.00f))
                .body("[0].untransferred", org.hamcrest.Matchers.equalTo(93.00f))
                .body("[0].holds", org.hamcrest.Matchers.equalTo(true));
        assertInvariantsHold();

        clockAt(Instant.parse("2026-07-01T22:30:00Z"));
        runNight();
        assertEquals(0, new BigDecimal("93.00").compareTo(amount(transfers(p).get(0), "totalTransferredAmount")));
        given().auth().oauth2(admin()).when().get("/admin/ledger/paymentpoints/" + p.id() + "/balance").then().statusCode(200)
                .body("[0].balance", org.hamcrest.Matchers.equalTo(0.0f))
                .body("[0].transfers", org.hamcrest.Matchers.equalTo(-93.00f));
        assertInvariantsHold();
        // only operators see the invariants
        reporting(MERCHANT_1).when().get("/admin/ledger/invariants").then().statusCode(403);
    }
}
