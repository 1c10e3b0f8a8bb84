package com.invoicepay.report.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.report.ReportTestSupport.Paid;
import com.invoicepay.report.ReportTestSupport.Point;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.report.ReportTestSupport.admin;
import static com.invoicepay.report.ReportTestSupport.awaitEntries;
import static com.invoicepay.report.ReportTestSupport.newPoint;
import static com.invoicepay.report.ReportTestSupport.paid;
import static com.invoicepay.report.ReportTestSupport.publish;
import static com.invoicepay.report.ReportTestSupport.publishPaid;
import static com.invoicepay.report.ReportTestSupport.reporting;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger's guards: append-only, the invariant check catches what it should, a bad event does not stop the consumer. */
@QuarkusTest
class LedgerGuardsTest {
    @Inject
    AgroalDataSource db;

    @Test
    void theLedgerRefusesUpdatesAndDeletes() throws SQLException {
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        publishPaid(p, "42.00", Instant.now(), "G-1", null);
        awaitEntries(p, 3);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            SQLException update = assertThrows(SQLException.class, () -> s.executeUpdate(
                    "update ledger_entry set amount = 1000 where payment_point_id = '" + p.id() + "' and type = 'Payment'"));
            assertTrue(update.getMessage().contains("append-only"), update.getMessage());
            SQLException delete = assertThrows(SQLException.class, () -> s.executeUpdate(
                    "delete from ledger_entry where payment_point_id = '" + p.id() + "'"));
            assertTrue(delete.getMessage().contains("append-only"), delete.getMessage());
        }
    }

    @Test
    void theInvariantCheckFindsAPaidInvoiceWithoutPaymentAndTheGaugeShowsIt() throws SQLException {
        UUID invoice = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("""
                    insert into paid_invoice (invoice_id, merchant_id, payment_point_id, event_id, received_at)
                    values (?, ?, ?, ?, now())""")) {
                s.setObject(1, invoice);
                s.setObject(2, MERCHANT_1.merchantId());
                s.setObject(3, UUID.randomUUID());
                s.setObject(4, UUID.randomUUID());
                s.executeUpdate();
            }
            try {
                given().auth().oauth2(admin()).when().get("/admin/ledger/invariants").then().statusCode(200)
                        .body("holds", equalTo(false)).body("paidInvoicesWithoutPayment", equalTo(1));
                given().when().get("/q/metrics").then().statusCode(200)
                        .body(containsString("report_ledger_invariant_violations 1.0"));
            } finally {
                try (PreparedStatement s = c.prepareStatement("delete from paid_invoice where invoice_id = ?")) {
                    s.setObject(1, invoice);
                    s.executeUpdate();
                }
            }
        }
        given().auth().oauth2(admin()).when().get("/admin/ledger/invariants").then().statusCode(200)
                .body("holds", equalTo(true)).body("paidInvoicesWithoutPayment", equalTo(0));
        given().when().get("/q/metrics").then().body(containsString("report_ledger_invariant_violations 0.0"));
    }

    @Test
    void anUnreadablePaidEventIsSkippedAndTheNextOneIsBooked() {
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        Paid broken = paid(p, "10.00", Instant.now(), "G-BROKEN", null);
        ObjectNode payload = broken.envelope().payload().deepCopy();
        payload.remove("totalAmount");
        EventEnvelope e = broken.envelope();
        publish(new EventEnvelope(e.eventId(), e.type(), 1, e.occurredAt(), e.source(), e.merchantId(), null, null, null,
                null, payload));
        publishPaid(p, "20.00", Instant.now(), "G-GOOD", null);
        awaitEntries(p, 3);
        List<Map<String, Object>> entries = reporting(MERCHANT_1).queryParam("paymentpointid", p.id())
                .when().get("/v3/reporting/transactions").then().statusCode(200).extract().path("transactions");
        assertEquals(1, entries.stream().filter(x -> "Payment".equals(x.get("type"))).count(), entries.toString());
        assertTrue(entries.stream().noneMatch(x -> "G-BROKEN".equals(x.get("merchantReference"))));
    }

    @Test
    void aPaidEventNamingAnotherMerchantsPaymentPointIsNotBooked() {
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        publishPaid(p, "15.00", Instant.now(), "G-OWN", null);
        awaitEntries(p, 3);
        Point impostor = new Point(p.id(), com.invoicepay.testsupport.LocalStack.MERCHANT_2.merchantId(), "Not yours", "DK", "Instant");
        publishPaid(impostor, "999.00", Instant.now(), "G-IMPOSTOR", null);
        Point marker = newPoint(com.invoicepay.testsupport.LocalStack.MERCHANT_2, "DK", "Instant");
        publishPaid(marker, "5.00", Instant.now(), "G-MARKER", null); // same partition as the impostor, after it
        awaitEntries(marker, 3);
        reporting(com.invoicepay.testsupport.LocalStack.MERCHANT_2).queryParam("pagesize", 1000).when().get("/v3/reporting/transactions")
                .then().statusCode(200).body(org.hamcrest.Matchers.not(containsString("G-IMPOSTOR")));
        List<Map<String, Object>> entries = reporting(MERCHANT_1).queryParam("paymentpointid", p.id())
                .when().get("/v3/reporting/transactions").then().statusCode(200).extract().path("transactions");
        assertEquals(3, entries.size(), entries.toString());
        reporting(MERCHANT_1).queryParam("pagesize", 1000).when().get("/v3/reporting/paymentpoints").then().statusCode(200)
                .body("paymentPoints.find { it.id == '" + p.id() + "' }.name", equalTo(p.name()));
    }

    @Test
    void onlyAnOperatorRunsTheNightOrReadsTheLedgerChecks() {
        given().when().post("/sandbox/transfers/night-run").then().statusCode(401);
        String merchant = com.invoicepay.testsupport.Keycloak.userToken(com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP,
                MERCHANT_1, "openid transactionreporting");
        given().auth().oauth2(merchant).when().post("/sandbox/transfers/night-run").then().statusCode(403)
                .body("code", equalTo("90013"));
        given().auth().oauth2(merchant).when().get("/admin/ledger/invariants").then().statusCode(403);
        given().auth().oauth2(merchant).contentType("application/json").body("{\"amount\":1.00,\"note\":\"x\"}")
                .when().post("/admin/ledger/paymentpoints/" + UUID.randomUUID() + "/adjustments").then().statusCode(403);
        given().auth().oauth2(admin()).contentType("application/json").body("{\"amount\":1.00,\"note\":\"x\"}")
                .when().post("/admin/ledger/paymentpoints/" + UUID.randomUUID() + "/adjustments").then().statusCode(404);
    }
}
