package com.invoicepay.report.ops;

import com.invoicepay.common.events.CallbackEvent;
import com.invoicepay.report.ReportTestSupport.Point;
import com.invoicepay.testsupport.HeadlessChromium;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;

import static com.invoicepay.report.ReportTestSupport.clockAt;
import static com.invoicepay.report.ReportTestSupport.newPoint;
import static com.invoicepay.report.ReportTestSupport.publish;
import static com.invoicepay.report.ReportTestSupport.reporting;
import static com.invoicepay.report.ReportTestSupport.resetClock;
import static com.invoicepay.report.ops.OpsSummaryTest.callbackEvent;
import static com.invoicepay.report.ops.OpsSummaryTest.invoiceEvent;
import static com.invoicepay.report.ops.OpsSummaryTest.publishCallback;
import static com.invoicepay.report.ops.OpsSummaryTest.summary;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.OPS_ADMIN;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ops dashboard page in a real headless Chromium, after an operator's login through Keycloak: the figures rendered by
 * the server, the charts drawn by Chart.js from the webjar.
 */
@QuarkusTest
class OpsPageTest {

    @AfterEach
    void reset() {
        resetClock();
    }

    @Test
    void anOperatorSeesTheDaysFiguresAndTheirCharts() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(ThreadLocalRandom.current().nextInt(400, 3_000));
        Instant at = day.atTime(9, 0).toInstant(ZoneOffset.UTC);
        clockAt(at.plusSeconds(3600));
        Point p = newPoint(MERCHANT_1, "DK", "Instant");
        publish(invoiceEvent(p, "Created", at));
        publish(invoiceEvent(p, "Created", at));
        publish(invoiceEvent(p, "Canceled", at));
        publishCallback(callbackEvent(CallbackEvent.FAILED, at));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                summary(1).getInt("days[0].invoicesCreated") == 2 && summary(1).getInt("days[0].invoicesCanceled") == 1
                        && summary(1).getInt("days[0].callbacksFailed") == 1);

        // the page is behind Keycloak's code flow (client ops-dashboard); a bearer token does not open it
        given().redirects().follow(false).when().get("/ops").then().statusCode(302)
                .header("Location", containsString("/realms/payments/protocol/openid-connect/auth"))
                .header("Location", containsString("client_id=ops-dashboard"));
        reporting(MERCHANT_1).redirects().follow(false).when().get("/ops").then().statusCode(302);
        given().when().get("/webjars/chart.js/dist/chart.umd.js").then().statusCode(200).body(containsString("Chart"));

        String page = "http://127.0.0.1:" + RestAssured.port + "/ops?days=3";
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.logInThroughKeycloak(page, MERCHANT_1.username(), MERCHANT_1.password());
            browser.waitUntil("location.pathname === '/ops' && document.readyState === 'complete'", Duration.ofSeconds(20));
            assertEquals("true", browser.evaluate("String(document.getElementById('figures') === null)"),
                    "a merchant's login does not open the operators' page: " + browser.evaluate("document.body.innerText"));
        }
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.logInThroughKeycloak(page, OPS_ADMIN.username(), OPS_ADMIN.password());
            browser.waitUntil("document.getElementById('figures') !== null", Duration.ofSeconds(20));
            String row = "#day-" + day;
            assertEquals("2", browser.evaluate("document.querySelector('" + row + " .created').textContent"));
            assertEquals("1", browser.evaluate("document.querySelector('" + row + " .canceled').textContent"));
            assertEquals("1", browser.evaluate("document.querySelector('" + row + " .failed').textContent"));
            assertEquals("3", browser.evaluate("String(document.querySelectorAll('#figures tbody tr').length)"));
            browser.waitUntil("window.charts && window.charts.length === 2", Duration.ofSeconds(20));
            assertEquals("2", browser.evaluate("String(Chart.getChart('invoices-chart').data.datasets[0].data[2])"),
                    "the chart draws the same figures: created on the last day");
            assertEquals("true", browser.evaluate("String(document.getElementById('invoices-chart').width > 0)"));
        }
    }
}
