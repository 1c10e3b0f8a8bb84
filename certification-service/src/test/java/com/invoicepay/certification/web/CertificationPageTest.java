package com.invoicepay.certification.web;

import com.invoicepay.certification.fixture.Runs;
import com.invoicepay.testsupport.HeadlessChromium;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static com.invoicepay.certification.fixture.Runs.call;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The four steps walked in a real browser (headless Chromium), with verdicts arriving live on the page. */
@QuarkusTest
class CertificationPageTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static Runs runs;

    @TestHTTPResource("/certification")
    URL page;

    @BeforeAll
    static void setUp() {
        runs = new Runs(ConfigProvider.getConfig().getOptionalValue("invoicepay.topic-prefix", String.class).orElse(""));
    }

    @AfterAll
    static void tearDown() {
        runs.close();
    }

    private static String js(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Test
    void anIntegratorWalksTheFourStepsInABrowserAndSeesTheVerdictsLive() throws Exception {
        given().get("/certification").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("Merchant consent through OpenID Connect")) // the catalog, rendered on the server
                .body(containsString("value=\"InvoiceDirect\""));
        String system = Runs.uniqueName();
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(page.toString());
            browser.evaluate("window.notReloaded = true");

            // 1. identification: a wrong version is refused on the page, then the right one makes a run
            Map<String, String> fields = Map.of("integratorId", "integrator-1", "sandboxClientId", "integrator-app",
                    "productionClientId", "integrator-app-prod", "clientSystemName", system, "clientVersion", "3.1",
                    "accessToken", runs.token);
            fields.forEach((id, value) -> browser.evaluate("document.getElementById('" + id + "').value = " + js(value)));
            browser.evaluate("document.getElementById('identify').click()");
            browser.waitUntil("document.getElementById('identify-error').textContent.includes(\"clientVersion '3.1'\")", WAIT);
            browser.evaluate("document.getElementById('clientVersion').value = " + js(Runs.VERSION));
            browser.evaluate("document.getElementById('identify').click()");
            browser.waitUntil("document.getElementById('run-id').textContent.length === 36", WAIT);
            String runId = browser.evaluate("document.getElementById('run-id').textContent");

            // 2. selection: Onboarding is mandatory; the cases appear with their instructions
            browser.evaluate("document.getElementById('select').click()");
            browser.waitUntil("document.getElementById('case-onboarding-refreshed-token') !== null", WAIT);
            assertTrue(browser.evaluate("document.querySelector('#case-onboarding-refreshed-token .instruction').textContent")
                    .contains("refresh token"));
            assertEquals("PENDING", browser.evaluate("document.querySelector('#case-onboarding-merchant-read .status').textContent"));

            // 3. the client's traffic: verdicts arrive on the page through the run's event stream, without a reload
            Instant iat = Instant.now().minusSeconds(400);
            runs.send("api-activity",
                    call(system, Instant.now(), "GET", "/api/v1/merchants/me", 200, null, "sid-page", iat, Map.of()),
                    call(system, Instant.now(), "GET", "/api/v1/merchants/{merchantId}/invoiceissuers", 200, null, "sid-page", iat, Map.of()),
                    call(system, Instant.now(), "GET", "/api/v1/merchants/me", 200, null, "sid-page", iat.plusSeconds(300), Map.of()));
            browser.waitUntil("document.querySelector('#case-onboarding-merchant-read .status').textContent === 'PASSED'"
                    + " && document.querySelector('#case-onboarding-refreshed-token .status').textContent === 'PASSED'", WAIT);
            assertEquals("2", browser.evaluate("document.querySelector('#case-onboarding-merchant-read .evidence').textContent"));
            assertEquals("true", browser.evaluate("String(window.notReloaded === true)"));

            // 4. approval
            browser.evaluate("document.getElementById('approve').click()");
            browser.waitUntil("document.getElementById('result').textContent.startsWith('CERTIFIED')", WAIT);
            assertTrue(browser.evaluate("document.getElementById('result').textContent").contains(system + " 3.1.x on integrator-app-prod"));
            assertEquals("APPROVED", runs.run(runId).getString("status"));
        }
    }
}
