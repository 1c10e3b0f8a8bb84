package com.invoicepay.report.rest;

import com.invoicepay.report.ReportTestSupport.Point;
import com.invoicepay.testsupport.Keycloak;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.report.ReportTestSupport.COPENHAGEN;
import static com.invoicepay.report.ReportTestSupport.awaitEntries;
import static com.invoicepay.report.ReportTestSupport.newPoint;
import static com.invoicepay.report.ReportTestSupport.publishPaid;
import static com.invoicepay.report.ReportTestSupport.reporting;
import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Transaction Reporting API through the gateway, against the real ledger: paging, sorting,
 * filters, the 400s of bad filters, CSV, isolation between merchants, and reporting.yaml's schemas.
 */
@QuarkusTest
class TransactionReportingApiTest {
    /** A Daily point with 3 payments (6 entries, nothing transferred) one hour apart. */
    static Point daily;
    static Instant t0;
    /** An Instant point of merchant 1 with one payment (payment, fee, transfer). */
    static Point instant;
    static String transferId;

    /** In @BeforeEach, once: RestAssured knows the random test port only then. */
    @BeforeEach
    void ledger() {
        if (daily != null) {
            return;
        }
        daily = newPoint(MERCHANT_1, "DK", "Daily");
        t0 = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        publishPaid(daily, "100.00", t0, "P-1", "REF-1");
        publishPaid(daily, "200.00", t0.plus(1, ChronoUnit.HOURS), "P-2", "REF,2 \"quoted\"");
        publishPaid(daily, "300.00", t0.plus(2, ChronoUnit.HOURS), "P-3", null);
        instant = newPoint(MERCHANT_1, "DK", "Instant");
        publishPaid(instant, "50.00", Instant.now().minusSeconds(30), "I-1", "INSTANT-REF");
        awaitEntries(daily, 6);
        awaitEntries(instant, 3);
        transferId = reporting(MERCHANT_1).queryParam("paymentpointid", instant.id()).when().get("/v3/reporting/transfers")
                .then().statusCode(200).extract().path("transfers[0].id");
    }

    static Response transactions(Map<String, ?> params) {
        return reporting(MERCHANT_1).queryParams(params).when().get("/v3/reporting/transactions");
    }

    @Test
    void transactionsArePagedWithNextPageNumberAndMatchTheSchema() {
        Response page1 = transactions(Map.of("paymentpointid", daily.id(), "pagesize", 4));
        page1.then().statusCode(200).contentType(containsString("application/json"))
                .body("pageSize", equalTo(4)).body("nextPageNumber", equalTo(2)).body("transactions", hasSize(4));
        ReportingContract.assertValid("Transactions", page1.asString());
        transactions(Map.of("paymentpointid", daily.id(), "pagesize", 4, "pagenumber", 2)).then().statusCode(200)
                .body("transactions", hasSize(2)).body("nextPageNumber", nullValue());
        transactions(Map.of("paymentpointid", daily.id(), "pagesize", 4, "pagenumber", 3)).then().statusCode(200)
                .body("transactions", hasSize(0)).body("nextPageNumber", nullValue());
        // default page size 100
        transactions(Map.of("paymentpointid", daily.id())).then().statusCode(200).body("pageSize", equalTo(100))
                .body("transactions", hasSize(6));
    }

    @Test
    void transactionsCarryTheInvoiceFieldsAndSortBothWays() {
        Response desc = transactions(Map.of("paymentpointid", daily.id()));
        desc.then().statusCode(200)
                .body("transactions[0].timestamp", equalTo(t0.plus(2, ChronoUnit.HOURS).toString()))
                .body("transactions[0].merchantReference", equalTo("P-3"));
        List<Map<String, Object>> asc = transactions(Map.of("paymentpointid", daily.id(), "sortdirection", "asc"))
                .then().statusCode(200).body("transactions[0].timestamp", equalTo(t0.toString()))
                .extract().path("transactions");
        Map<String, Object> payment = asc.stream().filter(t -> "Payment".equals(t.get("type"))).findFirst().orElseThrow();
        assertEquals("REF-1", payment.get("message"), "message = PaymentReference");
        assertEquals("P-1", payment.get("merchantReference"), "merchantReference = InvoiceNumber");
        assertTrue(((String) payment.get("paymentId")).startsWith("tx-"), "paymentId = the payment transaction id");
        assertEquals("DKK", payment.get("currencyCode"));
        assertEquals(null, payment.get("transferReference"), "a Daily payment is not transferred before its night");
        Map<String, Object> fee = asc.stream().filter(t -> "TransactionFee".equals(t.get("type"))).findFirst().orElseThrow();
        assertEquals(-2.0f, ((Number) fee.get("amount")).floatValue());
    }

    @Test
    void transactionsFilterByTimeAndByTransfer() {
        transactions(Map.of("paymentpointid", daily.id(), "startdate", t0.plus(30, ChronoUnit.MINUTES).toString(),
                "enddate", t0.plus(90, ChronoUnit.MINUTES).toString())).then().statusCode(200)
                .body("transactions", hasSize(2)).body("transactions.merchantReference", everyItemIs("P-2"));
        // +00:00 offset, sent unencoded: the + arrives as a space and is still read
        String start = t0.plus(90, ChronoUnit.MINUTES).toString().replace("Z", "+00:00");
        transactions(Map.of("paymentpointid", daily.id(), "startdate", start)).then().statusCode(200)
                .body("transactions", hasSize(2));
        Response byTransfer = transactions(Map.of("transferid", transferId));
        byTransfer.then().statusCode(200).body("transactions", hasSize(3))
                .body("transactions.type", hasItem("Transfer")).body("transactions.transferReference", everyItemIs("INSTANT-REF"));
        ReportingContract.assertValid("Transactions", byTransfer.asString());
    }

    static org.hamcrest.Matcher<Iterable<? extends Object>> everyItemIs(String value) {
        return org.hamcrest.Matchers.everyItem(equalTo((Object) value));
    }

    @Test
    void transfersListOneAndFilterByDateAndReference() {
        LocalDate today = LocalDate.now(COPENHAGEN);
        Response list = reporting(MERCHANT_1).queryParam("paymentpointid", instant.id()).queryParam("startdate", today.toString())
                .queryParam("enddate", today.toString()).when().get("/v3/reporting/transfers");
        list.then().statusCode(200).body("transfers", hasSize(1)).body("transfers[0].reference", equalTo("INSTANT-REF"))
                .body("transfers[0].totalTransferredAmount", equalTo(48.5f)).body("transfers[0].currencyCode", equalTo("DKK"));
        ReportingContract.assertValid("Transfers", list.asString());
        reporting(MERCHANT_1).queryParam("paymentpointid", instant.id()).queryParam("startdate", today.plusDays(1).toString())
                .when().get("/v3/reporting/transfers").then().statusCode(200).body("transfers", hasSize(0));
        reporting(MERCHANT_1).queryParam("reference", "INSTANT-REF").when().get("/v3/reporting/transfers").then()
                .statusCode(200).body("transfers.id", hasItem(transferId));
        Response one = reporting(MERCHANT_1).when().get("/v3/reporting/transfers/" + transferId);
        one.then().statusCode(200).body("id", equalTo(transferId)).body("paymentPointId", equalTo(instant.id().toString()))
                .body("date", notNullValue());
        ReportingContract.assertValid("Transfer", one.asString());
    }

    @Test
    void paymentPointsAreTheMerchantsInvoiceIssuers() {
        Response points = reporting(MERCHANT_1).queryParam("pagesize", 1000).when().get("/v3/reporting/paymentpoints");
        points.then().statusCode(200).body("paymentPoints.id", hasItem(daily.id().toString()))
                .body("paymentPoints.find { it.id == '" + daily.id() + "' }.productType", equalTo("Invoice"))
                .body("paymentPoints.find { it.id == '" + daily.id() + "' }.name", equalTo(daily.name()));
        ReportingContract.assertValid("PaymentPoints", points.asString());
        reporting(MERCHANT_1).queryParam("pagesize", 1).when().get("/v3/reporting/paymentpoints").then().statusCode(200)
                .body("paymentPoints", hasSize(1)).body("nextPageNumber", equalTo(2));
        reporting(MERCHANT_2).queryParam("pagesize", 1000).when().get("/v3/reporting/paymentpoints").then().statusCode(200)
                .body("paymentPoints.id", not(hasItem(daily.id().toString())));
    }

    @Test
    void csvWhenTheClientAcceptsTextCsv() {
        String csv = reporting(MERCHANT_1).accept("text/csv").queryParam("paymentpointid", daily.id())
                .queryParam("sortdirection", "asc").when().get("/v3/reporting/transactions")
                .then().statusCode(200).contentType(containsString("text/csv")).extract().asString();
        String[] lines = csv.split("\r\n");
        assertEquals("paymentId,type,amount,currencyCode,timestamp,message,merchantReference,transferReference,transferDate", lines[0]);
        assertEquals(7, lines.length, csv);
        assertTrue(lines[1].contains(",Payment,100.00,DKK," + t0 + ",REF-1,P-1,,"), lines[1]);
        assertTrue(csv.contains("\"REF,2 \"\"quoted\"\"\""), "a value with a comma or quote is quoted: " + csv);
        reporting(MERCHANT_1).accept("text/csv").when().get("/v3/reporting/transfers/" + transferId).then().statusCode(200)
                .body(containsString("id,reference,date,totalTransferredAmount,currencyCode,paymentPointId"))
                .body(containsString(transferId + ",INSTANT-REF,"));
    }

    @Test
    void badFiltersAre400WithTheErrorBody() {
        Map<String, Map<String, ?>> cases = Map.of(
                "12001", Map.of("pagesize", 0),
                "12001 ", Map.of("pagesize", 5000),
                "12001  ", Map.of("pagesize", "ten"),
                "12002", Map.of("pagenumber", 0),
                "12003", Map.of("startdate", "30-11-2021"),
                "12004", Map.of("startdate", "2021-12-01T00:00:00Z", "enddate", "2021-11-30T00:00:00Z"),
                "12005", Map.of("paymentpointid", UUID.randomUUID()),
                "12006", Map.of("transferid", UUID.randomUUID()),
                "12007", Map.of("paymentpointid", "not-a-uuid"),
                "12008", Map.of("sortdirection", "sideways"));
        cases.forEach((code, params) -> {
            Response r = transactions(params);
            r.then().statusCode(400).contentType(containsString("application/json"))
                    .body("code", equalTo(code.trim())).body("message", notNullValue())
                    .body("correlationId", notNullValue()).body("origin", equalTo("report-service"));
            ReportingContract.assertValid("Error", r.asString());
        });
        reporting(MERCHANT_1).queryParam("startdate", "2021-12-01").queryParam("enddate", "2021-11-30")
                .when().get("/v3/reporting/transfers").then().statusCode(400).body("code", equalTo("12004"));
        reporting(MERCHANT_1).queryParam("enddate", "2021-11-31").when().get("/v3/reporting/transfers").then()
                .statusCode(400).body("code", equalTo("12003"));
        // ISO-8601's signed years beyond 9999 parse, but are no date to report on
        reporting(MERCHANT_1).queryParam("enddate", "+99999-12-31").when().get("/v3/reporting/transfers").then()
                .statusCode(400).body("code", equalTo("12003"));
        transactions(Map.of("startdate", "+99999-01-01T00:00:00Z")).then().statusCode(400).body("code", equalTo("12003"));
        transactions(Map.of("startdate", "-0001-01-01")).then().statusCode(400).body("code", equalTo("12003"));
        // the page's offset would pass 2^31: said as such, not as "1 or more" (which it is)
        transactions(Map.of("pagenumber", Integer.MAX_VALUE, "pagesize", 2)).then().statusCode(400).body("code", equalTo("12002"))
                .body("message", equalTo("pagenumber may be at most 1073741824 with pagesize 2."));
        reporting(MERCHANT_1).queryParam("pagesize", 1001).when().get("/v3/reporting/paymentpoints").then()
                .statusCode(400).body("code", equalTo("12001"));
        reporting(MERCHANT_1).queryParam("pagesize", 1000).when().get("/v3/reporting/paymentpoints").then().statusCode(200);
        reporting(MERCHANT_1).when().get("/v3/reporting/transfers/not-a-uuid").then().statusCode(400).body("code", equalTo("12007"));
    }

    @Test
    void anotherMerchantsPaymentPointOrTransferIsA404AndNeverItsData() {
        reporting(MERCHANT_2).queryParam("paymentpointid", daily.id()).when().get("/v3/reporting/transactions").then()
                .statusCode(404).body("code", equalTo("90044")).body(not(containsString("P-1")));
        reporting(MERCHANT_2).queryParam("paymentpointid", instant.id()).when().get("/v3/reporting/transfers").then()
                .statusCode(404);
        reporting(MERCHANT_2).when().get("/v3/reporting/transfers/" + transferId).then().statusCode(404)
                .body(not(containsString("INSTANT-REF")));
        reporting(MERCHANT_2).queryParam("transferid", transferId).when().get("/v3/reporting/transactions").then()
                .statusCode(404);
        reporting(MERCHANT_2).queryParam("pagesize", 1000).when().get("/v3/reporting/transactions").then().statusCode(200)
                .body(not(containsString(daily.id().toString()))).body(not(containsString("REF-1")))
                .body("transactions.transferReference", not(hasItem("INSTANT-REF")));
        reporting(MERCHANT_1).when().get("/v3/reporting/transfers/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void theContractCheckRejectsWhatTheSchemasDoNotAllow() {
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> ReportingContract.assertValid("Transactions",
                "{\"pageSize\":\"ten\",\"transactions\":[]}"));
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> ReportingContract.assertValid("Transfer",
                "{\"id\":\"t-1\",\"currencyCode\":\"SEK\",\"totalTransferredAmount\":1}"));
        ReportingContract.assertValid("Transactions", "{\"pageSize\":1,\"nextPageNumber\":null,\"transactions\":[{\"message\":null}]}");
    }

    @Test
    void theGatewayGuardsTheApi() {
        given().when().get("/v3/reporting/paymentpoints").then().statusCode(401).body("code", equalTo("90001"));
        String invoiceScopeOnly = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        given().auth().oauth2(invoiceScopeOnly).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret()).when().get("/v3/reporting/paymentpoints")
                .then().statusCode(403).body("code", equalTo("90010"));
    }
}
