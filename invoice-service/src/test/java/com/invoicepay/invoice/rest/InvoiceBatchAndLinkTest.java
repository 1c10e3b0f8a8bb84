package com.invoicepay.invoice.rest;

import com.invoicepay.testsupport.HeadlessChromium;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.invoicepay.common.events.InvoiceStatusChanged;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batches of InvoiceDirect and InvoiceLink, the single link, and the payer page behind it. */
@QuarkusTest
class InvoiceBatchAndLinkTest extends InvoiceApiTestBase {
    static final String BASE = "/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices";

    static ValidatableResponse post(String path, Object body) {
        return merchant(merchantToken).contentType("application/json").body(body).when().post(BASE + path).then();
    }

    // ---- InvoiceDirect batch -------------------------------------------------------------------

    @Test
    void batchAcceptsTheValidRejectsTheBrokenAndTheDuplicate() {
        String good = number(), bad = number();
        Map<String, Object> broken = invoice(bad);
        broken.put("TotalAmount", -5);
        var result = post("/batch", List.of(invoice(good), broken, invoice(good))).statusCode(202)
                .body("accepted", hasSize(1))
                .body("accepted[0].invoiceNumber", equalTo(good))
                .body("rejected", hasSize(2))
                .body("rejected[0].invoiceNumber", equalTo(bad))
                .body("rejected[0].errors[0].errorCode", equalTo(10008))
                .body("rejected[1].invoiceNumber", equalTo(good))
                .body("rejected[1].errors[0].errorCode", equalTo(10104))
                .extract().jsonPath();
        String id = result.getString("accepted[0].invoiceId");
        assertEquals("Created", status(id));
        assertEquals(List.of("Created"), awaitStatuses(id, 1));
        assertNotNull(eventsOf(id).get(0).batchId(), "the event names its batch");
        // the same invoice again in a later batch is a duplicate too, and stores nothing
        post("/batch", List.of(invoice(good))).statusCode(202).body("accepted", hasSize(0))
                .body("rejected[0].errors[0].errorCode", equalTo(10104));
    }

    @Test
    void consumerRulesDoNotRejectABatchItemTheyMakeItInvalidByEvent() {
        Map<String, Object> unknownPayer = invoice(number());
        unknownPayer.put("ConsumerAlias", Map.of("Alias", "+4599999999", "AliasType", "Phone"));
        List<Map<String, Object>> batch = new ArrayList<>();
        batch.add(unknownPayer);
        for (int i = 0; i < 11; i++) { // one more than the daily limit for this test's payer
            batch.add(invoice(number()));
        }
        var accepted = post("/batch", batch).statusCode(202).body("accepted", hasSize(12)).body("rejected", hasSize(0))
                .extract().jsonPath().getList("accepted.invoiceId", String.class);
        assertEquals("Invalid", status(accepted.get(0)));
        InvoiceStatusChanged invalid = await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(accepted.get(0)), e -> !e.isEmpty()).get(0);
        assertEquals("Invalid", invalid.status());
        assertEquals("10101", invalid.errorCode());
        for (int i = 1; i <= 10; i++) {
            assertEquals("Created", status(accepted.get(i)), "invoice " + i + " is within the daily limit");
        }
        assertEquals("Invalid", status(accepted.get(11)));
        assertEquals("10314", await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(accepted.get(11)), e -> !e.isEmpty()).get(0).errorCode());
    }

    @Test
    void aBatchThatHasMoreThan2000OrNoneIsRefusedWhole() {
        List<Map<String, Object>> tooMany = Collections.nCopies(2001, invoice(number()));
        isError(post("/batch", tooMany), 400, "InputError", "11011");
        isError(post("/batch", List.of()), 400, "InputError", "11011");
        isError(post("/link/batch", tooMany), 400, "InputError", "11011");
    }

    @Test
    void aBatchThatIsNotAnArrayOrHasWrongTypesIsA400() {
        isError(post("/batch", invoice(number())), 400, "InputError", "90040");
        Map<String, Object> wrongType = invoice(number());
        wrongType.put("TotalAmount", "many");
        isError(post("/batch", List.of(wrongType)), 400, "InputError", "90040");
    }

    // ---- InvoiceLink ---------------------------------------------------------------------------

    Map<String, Object> link(String number) {
        Map<String, Object> body = invoice(number);
        body.remove("ConsumerAlias");
        body.put("RedirectUrl", "https://shop.example/thanks?order=" + number);
        return body;
    }

    String createLink(Map<String, Object> body) {
        return post("/link", body).statusCode(200)
                .body("links", hasSize(1))
                .body("links[0].rel", equalTo("user-redirect"))
                .body("links[0].href", startsWith("http://127.0.0.1:8081/pay/"))
                .extract().path("links[0].href");
    }

    static String pathOf(String href) {
        return URI.create(href).getPath();
    }

    static String csrfOf(String html) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]+)\"").matcher(html);
        assertTrue(m.find(), "the form carries a CSRF token");
        return m.group(1);
    }

    @Test
    void aLinkOpensThePayerPageWhereThePayerPaysAndIsSentToRedirectUrl() {
        String number = number();
        String href = createLink(link(number));
        ExtractableResponse<Response> page = given().when().get(pathOf(href)).then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString(number)).body(containsString("360.00")).body(containsString("Merchant One Instant"))
                .extract();
        String cookie = page.cookie("payer-csrf");
        assertEquals(cookie, csrfOf(page.asString()), "double submit: the cookie and the form hold the same token");
        given().redirects().follow(false).cookie("payer-csrf", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", cookie).formParam("action", "pay").formParam("phone", payerPhone)
                .when().post(pathOf(href)).then().statusCode(303)
                .header("Location", equalTo("https://shop.example/thanks?order=" + number + "&status=paid"));
        given().when().get(pathOf(href)).then().statusCode(200).body(containsString("id=\"status\">Paid<"));
    }

    /** The one browser test: a real headless Chromium opens the link, the payer pays, the page shows Paid. */
    @Test
    void aPayerPaysInARealBrowser() throws Exception {
        String number = number();
        Map<String, Object> body = link(number);
        body.remove("RedirectUrl"); // without one, the page returns to itself after the decision
        var created = post("/link", body).statusCode(200).extract().jsonPath();
        String id = created.getString("invoiceId");
        String href = created.getString("links[0].href");
        String page = "http://127.0.0.1:" + io.restassured.RestAssured.port + pathOf(href);
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(page);
            assertEquals("Created", browser.evaluate("document.getElementById('status').textContent"));
            assertEquals(number, browser.evaluate("document.getElementById('invoice-number').textContent"));
            assertEquals("360.00", browser.evaluate("document.getElementById('amount').textContent"));
            browser.evaluate("document.getElementById('phone').value = " + '"' + payerPhone + '"' + "; "
                    + "document.getElementById('pay').click(); true");
            browser.waitUntil("document.getElementById('status') && document.getElementById('status').textContent === 'Paid'",
                    Duration.ofSeconds(20));
            assertEquals(page, browser.evaluate("location.href"), "the page came back to itself after paying");
            assertEquals("", browser.evaluate("document.getElementById('pay') ? 'still payable' : ''"), "a paid invoice offers no pay button");
        }
        assertEquals("Paid", status(id));
    }

    @Test
    void theLinkIsAcceptedForTheDueDateWithStatusAccepted() {
        String href = createLink(link(number()));
        String cookie = given().when().get(pathOf(href)).then().statusCode(200).extract().cookie("payer-csrf");
        given().redirects().follow(false).cookie("payer-csrf", cookie).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", cookie).formParam("action", "accept").formParam("phone", payerPhone)
                .when().post(pathOf(href)).then().statusCode(303).header("Location", containsString("status=accepted"));
    }

    @Test
    void aFormWithoutTheMatchingCsrfTokenChangesNothing() {
        String number = number();
        Map<String, Object> body = link(number);
        String href = post("/link", body).statusCode(200).extract().path("links[0].href");
        String id = post("/link", link(number())).statusCode(200).extract().path("invoiceId"); // another link, untouched
        String cookie = given().when().get(pathOf(href)).then().statusCode(200).extract().cookie("payer-csrf");
        given().contentType("application/x-www-form-urlencoded").formParam("csrf", cookie).formParam("action", "pay")
                .formParam("phone", payerPhone).when().post(pathOf(href)).then().statusCode(403);
        given().cookie("payer-csrf", cookie).contentType("application/x-www-form-urlencoded").formParam("csrf", "0" + cookie)
                .formParam("action", "pay").formParam("phone", payerPhone).when().post(pathOf(href)).then().statusCode(403);
        given().when().get(pathOf(href)).then().statusCode(200).body(containsString("id=\"status\">Created<"));
        assertEquals("Created", status(id));
    }

    @Test
    void aFormWithABrokenEncodingIsA400AndPaysNothing() {
        String href = createLink(link(number()));
        String cookie = given().when().get(pathOf(href)).then().extract().cookie("payer-csrf");
        // before: phone=%ZZ alone left the request unanswered, and with an action it was a 500
        for (String form : List.of("phone=%ZZ", "csrf=" + cookie + "&action=pay&phone=%ZZ", "csrf=" + cookie + "&%G0=1")) {
            given().cookie("payer-csrf", cookie).contentType("application/x-www-form-urlencoded").body(form)
                    .when().post(pathOf(href)).then().statusCode(400).body(containsString("encoding is broken"));
        }
        given().when().get(pathOf(href)).then().statusCode(200).body(containsString("id=\"status\">Created<"));
    }

    @Test
    void theOpenApiDocumentShowsThePayerFormsThreeFields() {
        String form = "paths.'/pay/{token}'.post.requestBody.content.'application/x-www-form-urlencoded'.schema";
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body(form + ".properties.keySet()", containsInAnyOrder("csrf", "action", "phone"))
                .body(form + ".properties.action.enum", contains("pay", "accept", "reject"))
                .body(form + ".required", containsInAnyOrder("csrf", "action", "phone"))
                .body("paths.'/pay/{token}'.post.requestBody.content.keySet()", contains("application/x-www-form-urlencoded"));
    }

    @Test
    void anUnknownPhoneIsShownOnThePageAndPaysNothing() {
        String href = createLink(link(number()));
        String cookie = given().when().get(pathOf(href)).then().extract().cookie("payer-csrf");
        given().cookie("payer-csrf", cookie).contentType("application/x-www-form-urlencoded").formParam("csrf", cookie)
                .formParam("action", "pay").formParam("phone", "+4599999998").when().post(pathOf(href)).then()
                .statusCode(400).body(containsString("No MobilePay user has the phone number"))
                .body(containsString("id=\"status\">Created<"));
    }

    @Test
    void theQrCodeEncodesTheLink() throws Exception {
        String href = createLink(link(number()));
        byte[] png = given().when().get(pathOf(href) + "/qr.png").then().statusCode(200).contentType("image/png")
                .extract().asByteArray();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        var bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)));
        assertEquals(href, new MultiFormatReader().decode(bitmap).getText());
    }

    @Test
    void anUnknownTokenIs404AndACanceledInvoicesLinkIsGone() {
        given().when().get("/pay/" + "ab".repeat(32)).then().statusCode(404);
        given().when().get("/pay/not-a-token").then().statusCode(404);
        var created = post("/link", link(number())).statusCode(200).extract().jsonPath();
        cancel(created.getString("invoiceId")).statusCode(204);
        given().when().get(pathOf(created.getString("links[0].href"))).then().statusCode(410);
    }

    @Test
    void aLinkBatchAnnouncesEachLinkInItsCreatedEvent() {
        var accepted = post("/link/batch", List.of(link(number()), link(number()))).statusCode(202)
                .body("accepted", hasSize(2)).body("rejected", hasSize(0))
                .extract().jsonPath().getList("accepted.invoiceId", String.class);
        for (String id : accepted) {
            InvoiceStatusChanged created = await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(id), e -> !e.isEmpty()).get(0);
            assertEquals("Created", created.status());
            assertEquals("Link", created.kind());
            assertEquals("user-redirect", created.links().get(0).rel());
            given().when().get(pathOf(created.links().get(0).href())).then().statusCode(200);
        }
    }
}
