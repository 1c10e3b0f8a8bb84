package com.invoicepay.invoice.rest;

import com.invoicepay.testsupport.AtOnce;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Direct-invoice consents, the operators' issuer API, Idempotency-Key and the invoice PDF. */
@QuarkusTest
class ConsentsIssuersIdempotencyTest extends InvoiceApiTestBase {
    static final String INVOICES = "/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices";
    static final String ISSUERS_ADMIN = "/api/v1/admin/merchants/" + MERCHANT_1.merchantId() + "/invoiceissuers";

    @Test
    void aConsentIsRequestedThroughAnInvoiceGrantedByThePayerListedAndRevoked() {
        String invoiceId = created(number());
        String consentId = requestConsent(invoiceId).statusCode(200)
                .body("invoiceId", equalTo(invoiceId)).body("state", equalTo(1)).body("grantedOn", nullValue())
                .extract().path("consentId");
        requestConsent(invoiceId).statusCode(409).body("error_code", equalTo("11017"));

        decide(consentId, payerId, true).statusCode(204);
        decide(consentId, payerId, false).statusCode(409).body("error_code", equalTo("10504"));
        merchant(merchantToken).when().get("/api/v1/directinvoiceconsents/" + consentId).then().statusCode(200)
                .body("state", equalTo(2)).body("phoneNumber", equalTo(payerPhone)).body("grantedOn", notNullValue());
        merchant(merchantToken).queryParam("invoiceIssuerId", INSTANT_ISSUER).when().get("/api/v1/directinvoiceconsents")
                .then().statusCode(200).body("grantedConsents.consentId", hasItem(consentId));

        // invoice.yaml secures this user-simulation call with the invoice scope
        merchant(merchantToken).header("AuthenticatedUser", payerId).when().delete("/api/v1/directinvoiceconsents/" + consentId)
                .then().statusCode(204);
        merchant(merchantToken).when().get("/api/v1/directinvoiceconsents").then().statusCode(200)
                .body("grantedConsents.consentId", not(hasItem(consentId)));
        assertEquals(List.of(1, 2, 4), await().atMost(Duration.ofSeconds(20)).until(() -> consentStates(consentId), s -> s.size() >= 3));
    }

    /**
     * Identical creates at once all pass the "exists already?" check before any inserts; the unique constraint then
     * refuses all but one, which must read as the check's 409, never a 500 (seen from the bench's payer registration).
     */
    @Test
    void identicalCreatesAtOnceGiveOneCreatedAndTheCheck409sNeverA500() throws Exception {
        String phone = "+456" + String.format("%07d", (long) (Math.random() * 10_000_000));
        Map<String, Object> payer = Map.of("phoneNumber", phone, "name", "Twin Payer", "cards", List.of(Map.of("alwaysFails", false)));
        List<ValidatableResponse> registered = AtOnce.run(8, () -> given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body(payer).when().post("/api/v1/admin/sandbox-consumers").then());
        AtOnce.assertOneCreatedRestConflicts(registered, 201, "10504");

        String invoiceId = created(number());
        AtOnce.assertOneCreatedRestConflicts(AtOnce.run(8, () -> requestConsent(invoiceId)), 200, "11017");
        // the payer registered once: its number is taken for the next registration too
        given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(payer).when().post("/api/v1/admin/sandbox-consumers")
                .then().statusCode(409).body("error_code", equalTo("10504"));
    }

    @Test
    void anotherPayerOrMerchantDoesNotSeeTheConsent() {
        String consentId = requestConsent(created(number())).statusCode(200).extract().path("consentId");
        decide(consentId, "22222222-2222-4222-8222-000000000002", true).statusCode(404).body("error_code", equalTo("11018"));
        merchant(merchant2Token).when().get("/api/v1/directinvoiceconsents/" + consentId).then().statusCode(404)
                .body("error_code", equalTo("11018"));
        // the payer's header is no proof: another merchant's token neither decides nor revokes the consent
        String merchant2Payer = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_2, "openid invoice-usersimulation");
        merchant(merchant2Payer).header("AuthenticatedUser", payerId).contentType(ContentType.JSON).body(Map.of("IsConsentGranted", true))
                .when().put("/api/v1/consumers/me/invoices/directinvoiceconsent/" + consentId).then().statusCode(404)
                .body("error_code", equalTo("11018"));
        merchant(merchant2Token).header("AuthenticatedUser", payerId).when().delete("/api/v1/directinvoiceconsents/" + consentId)
                .then().statusCode(404).body("error_code", equalTo("11018"));
        merchant(merchantToken).when().get("/api/v1/directinvoiceconsents/" + consentId).then().statusCode(200).body("state", equalTo(1));
        requestConsent(UUID.randomUUID().toString()).statusCode(404).body("error_code", equalTo("11012"));
    }

    @Test
    void grantedConsentsComeInPagesThatJoinUpWithoutGapsOrRepeats() {
        // 21 granted consents of this test's payer: two pages and one more (the test profile pages by 10)
        List<String> mine = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<Map<String, Object>> batch = new java.util.ArrayList<>();
            for (int i = 0; i < (round < 2 ? 10 : 1); i++) {
                Map<String, Object> link = invoice(number());
                link.remove("ConsumerAlias");
                batch.add(link);
            }
            for (String id : merchant(merchantToken).contentType(ContentType.JSON).body(batch).when().post(INVOICES + "/link/batch")
                    .then().statusCode(202).extract().jsonPath().getList("accepted.invoiceId", String.class)) {
                String consentId = requestConsent(id).statusCode(200).extract().path("consentId");
                decide(consentId, payerId, true).statusCode(204);
                mine.add(consentId);
            }
        }
        Set<String> seen = new HashSet<>();
        String paging = null;
        int pages = 0;
        do {
            var spec = merchant(merchantToken);
            if (paging != null) {
                spec = spec.queryParam("pagingState", paging);
            }
            var page = spec.when().get("/api/v1/directinvoiceconsents").then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("grantedConsents.consentId", String.class);
            assertTrue(ids.size() <= 10);
            for (String id : ids) {
                assertTrue(seen.add(id), "no consent appears twice");
            }
            paging = page.getString("pagingState");
            pages++;
        } while (paging != null);
        assertTrue(pages >= 3);
        assertTrue(seen.containsAll(mine));
        merchant(merchantToken).queryParam("pagingState", "garbage!").when().get("/api/v1/directinvoiceconsents")
                .then().statusCode(400).body("error_code", equalTo("11019"));
        merchant(merchantToken).queryParam("state", "7").when().get("/api/v1/directinvoiceconsents")
                .then().statusCode(400).body("error_code", equalTo("11019"));
        // not JAX-RS's 404 for a query parameter that does not convert
        merchant(merchantToken).queryParam("invoiceIssuerId", "not-a-uuid").when().get("/api/v1/directinvoiceconsents")
                .then().statusCode(400).body("error_code", equalTo("11019")).body("error_description", containsString("invoiceIssuerId"));
    }

    // ---- admin: invoice issuers ----------------------------------------------------------------

    @Test
    void anOperatorCreatesAnIssuerThatTakesInvoicesOnlyOnceEnabled() {
        String issuerId = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body(Map.of("name", "Merchant One Helsinki", "country", "FI", "transferMethod", "Daily"))
                .when().post(ISSUERS_ADMIN).then().statusCode(201)
                .body("currency", equalTo("EUR")).body("enabled", equalTo(false)).body("transferMethod", equalTo("Daily"))
                .extract().path("id");
        Map<String, Object> body = invoice(number());
        body.put("InvoiceIssuer", issuerId);
        isError(create(body), 400, "InputError", "10203");
        given().auth().oauth2(adminToken).when().put(ISSUERS_ADMIN + "/" + issuerId + "/enable").then().statusCode(200)
                .body("enabled", equalTo(true));
        body.put("TotalAmount", 1999); // EUR: the 2 000 maximum applies
        String id = create(body).statusCode(200).extract().path("invoiceId");
        merchant(merchantToken).when().get(INVOICES + "/" + id).then().body("currencyCode", equalTo("EUR"));
        body.put("TotalAmount", 2001);
        body.put("InvoiceNumber", number());
        isError(create(body), 400, "InputError", "10201");
        given().auth().oauth2(adminToken).when().put(ISSUERS_ADMIN + "/" + issuerId + "/disable").then().statusCode(200)
                .body("enabled", equalTo(false));
        body.put("TotalAmount", 10);
        isError(create(body), 400, "InputError", "10203");
        merchant(merchantToken).when().get("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoiceissuers").then()
                .body("invoiceIssuers.id", hasItem(issuerId));
    }

    @Test
    void issuerInputIsCheckedAndOnlyOperatorsMayCallTheAdminApi() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("country", "DK", "transferMethod", "Instant"),
                Map.of("name", "X", "country", "SE", "transferMethod", "Instant"),
                Map.of("name", "X", "country", "DK", "transferMethod", "Weekly"))) {
            isErrorWithoutContext(given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(bad).when().post(ISSUERS_ADMIN).then(),
                    400, "11020");
        }
        given().auth().oauth2(merchantToken).contentType(ContentType.JSON)
                .body(Map.of("name", "X", "country", "DK", "transferMethod", "Instant"))
                .when().post(ISSUERS_ADMIN).then().statusCode(403);
        given().auth().oauth2(adminToken).when().put(ISSUERS_ADMIN + "/" + UUID.randomUUID() + "/enable").then().statusCode(404)
                .body("error_code", equalTo("10202"));
    }

    static void isErrorWithoutContext(ValidatableResponse r, int status, String code) {
        r.statusCode(status).body("error_code", equalTo(code)).body("correlation_id", notNullValue());
    }

    // ---- Idempotency-Key -----------------------------------------------------------------------

    @Test
    void theSameKeyAndBodyAnswerTheFirstAnswerAndCreateNothing() {
        String key = "key-" + UUID.randomUUID();
        Map<String, Object> body = invoice(number());
        String first = merchant(merchantToken).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .when().post(INVOICES).then().statusCode(200).extract().path("invoiceId");
        merchant(merchantToken).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .when().post(INVOICES).then().statusCode(200).header("Idempotent-Replayed", "true")
                .body("invoiceId", equalTo(first));
        // without the key the same body is a duplicate invoice (10104): the replay created nothing
        isError(create(body), 409, "DomainError", "10104");
        Map<String, Object> other = invoice(number());
        isError(merchant(merchantToken).header("Idempotency-Key", key).contentType(ContentType.JSON).body(other)
                .when().post(INVOICES).then(), 409, "DomainError", "11016");
        // the key is scoped to the route: the same key on the batch route is a new request
        merchant(merchantToken).header("Idempotency-Key", key).contentType(ContentType.JSON).body(List.of(other))
                .when().post(INVOICES + "/batch").then().statusCode(202).body("accepted.size()", equalTo(1));
        merchant(merchantToken).header("Idempotency-Key", key).contentType(ContentType.JSON).body(List.of(other))
                .when().post(INVOICES + "/batch").then().statusCode(202).header("Idempotent-Replayed", "true")
                .body("accepted.size()", equalTo(1));
    }

    @Test
    void aRefusedRequestLeavesTheKeyFreeForTheCorrectedOne() {
        String key = "key-" + UUID.randomUUID();
        Map<String, Object> body = invoice(number());
        body.put("TotalAmount", 0);
        isError(merchant(merchantToken).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .when().post(INVOICES).then(), 400, "InputError", "10008");
        body.put("TotalAmount", 10);
        merchant(merchantToken).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .when().post(INVOICES).then().statusCode(200).header("Idempotent-Replayed", nullValue());
    }

    @Test
    void theSameKeyOfAnotherClientIsAnotherRequest() {
        String key = "key-" + UUID.randomUUID();
        Map<String, Object> body = invoice(number());
        merchant(merchantToken).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .when().post(INVOICES).then().statusCode(200);
        String otherToken = Keycloak.userToken(LocalStack.INTEGRATOR_APP_2, MERCHANT_1, "openid invoice");
        body.put("InvoiceNumber", number());
        given().auth().oauth2(otherToken).header("x-ibm-client-id", LocalStack.INTEGRATOR_APP_2.clientId())
                .header("x-ibm-client-secret", LocalStack.INTEGRATOR_APP_2.secret())
                .header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .when().post(INVOICES).then().statusCode(200).header("Idempotent-Replayed", nullValue());
    }

    // ---- PDF -----------------------------------------------------------------------------------

    @Test
    void thePayerGetsTheInvoiceAsAPdfWithItsFigures() throws Exception {
        String number = number();
        String id = created(number);
        byte[] pdf = merchant(payerToken).header("AuthenticatedUser", payerId).when()
                .get("/api/v1/consumers/me/invoices/" + id + "/pdf").then().statusCode(200).contentType("application/pdf")
                .extract().asByteArray();
        try (var document = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(document);
            assertTrue(text.contains("Invoice " + number), text);
            assertTrue(text.contains("Total: 360.00 DKK"), text);
            assertTrue(text.contains("Merchant One Instant"), text);
        }
        merchant(payerToken).header("AuthenticatedUser", "22222222-2222-4222-8222-000000000002").when()
                .get("/api/v1/consumers/me/invoices/" + id + "/pdf").then().statusCode(404);
    }
}
