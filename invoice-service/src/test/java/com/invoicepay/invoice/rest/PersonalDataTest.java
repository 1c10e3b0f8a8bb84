package com.invoicepay.invoice.rest;

import com.invoicepay.invoice.service.PersonalData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * DESIGN.md "Housekeeping every service does": the payer's phone, name and addresses on invoices are
 * deleted on request (admin API) and after the retention (180 days after the final status); an open
 * invoice keeps them until it is final. The merchant's figures stay. The payer's consents end and lose the phone.
 */
@QuarkusTest
class PersonalDataTest extends InvoiceApiTestBase {
    @Inject
    Pool pool;
    @Inject
    PersonalData personalData;

    Map<String, Object> invoiceWithAddresses(String number) {
        Map<String, Object> body = invoice(number);
        body.put("ConsumerAddressLines", List.of("Testvej 1", "2100 Copenhagen"));
        body.put("DeliveryAddressLines", List.of("Lager 7", "2100 Copenhagen"));
        return body;
    }

    @Test
    void anErasureRequestErasesTheFinalInvoicesAtOnceAndTheOpenOnesOnceTheyAreFinal() {
        String canceled = create(invoiceWithAddresses(number())).statusCode(200).extract().path("invoiceId");
        cancel(canceled).statusCode(204);
        String open = create(invoiceWithAddresses(number())).statusCode(200).extract().path("invoiceId");

        erasure(payerPhone).statusCode(200).body("erasedInvoices", equalTo(1)).body("pendingInvoices", equalTo(1))
                .body("erasedConsents", equalTo(0));

        assertErased(canceled);
        Row kept = row(open);
        assertEquals(payerPhone, kept.getString("consumer_phone"));
        assertEquals("Test Payer", kept.getString("consumer_name"));
        assertNotNull(kept.getValue("consumer_address_lines"));
        assertNotNull(kept.getValue("erasure_requested_at"), "marked for when it is final");
        // the merchant's figures are not the payer's data
        merchant(merchantToken).when().get("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices/" + canceled)
                .then().statusCode(200).body("totalAmount", equalTo(360.0f)).body("status", equalTo("Canceled"));

        personalData.eraseDue().await().atMost(Duration.ofSeconds(30));
        assertEquals("Test Payer", row(open).getString("consumer_name"), "still open: the payer may still pay it");
        cancel(open).statusCode(204);
        personalData.eraseDue().await().atMost(Duration.ofSeconds(30));
        assertErased(open);
    }

    @Test
    void aFinalInvoiceLosesThePayersDataAfterTheRetentionAnOpenOneDoesNot() {
        String canceled = create(invoiceWithAddresses(number())).statusCode(200).extract().path("invoiceId");
        cancel(canceled).statusCode(204);
        String open = create(invoiceWithAddresses(number())).statusCode(200).extract().path("invoiceId");

        moveClock(Duration.ofDays(179));
        personalData.eraseDue().await().atMost(Duration.ofSeconds(30));
        assertEquals("Test Payer", row(canceled).getString("consumer_name"), "179 days: within the retention");

        moveClock(Duration.ofDays(181));
        personalData.eraseDue().await().atMost(Duration.ofSeconds(30));
        assertErased(canceled);
        assertEquals(payerPhone, row(open).getString("consumer_phone"), "never erased while open");
    }

    @Test
    void anErasureRequestEndsThePayersConsentsAndTakesTheirPhoneNumber() {
        String granted = requestConsent(created(number())).statusCode(200).extract().path("consentId");
        decide(granted, payerId, true).statusCode(204);
        String pending = requestConsent(created(number())).statusCode(200).extract().path("consentId");

        erasure(payerPhone).statusCode(200).body("erasedConsents", equalTo(2)).body("pendingInvoices", equalTo(2));

        merchant(merchantToken).when().get("/api/v1/directinvoiceconsents/" + granted).then().statusCode(200)
                .body("state", equalTo(4)).body("phoneNumber", nullValue());
        merchant(merchantToken).when().get("/api/v1/directinvoiceconsents/" + pending).then().statusCode(200)
                .body("state", equalTo(3)).body("phoneNumber", nullValue());
        // announced like the payer's own decisions: granted then revoked, pending then declined
        assertEquals(List.of(1, 2, 4), await().atMost(Duration.ofSeconds(20)).until(() -> consentStates(granted), s -> s.size() >= 3));
        assertEquals(List.of(1, 3), await().atMost(Duration.ofSeconds(20)).until(() -> consentStates(pending), s -> s.size() >= 2));
        // a consent without a phone is nobody's to decide any more, the erased payer's included
        decide(pending, payerId, true).statusCode(404).body("error_code", equalTo("11018"));
        erasure(payerPhone).statusCode(200).body("erasedConsents", equalTo(0));
    }

    @Test
    void aMalformedPhoneNumberIs400AndOnlyAnAdminMayAsk() {
        for (Object body : new Object[]{Map.of("phoneNumber", "12345"), Map.of(), "{\"phoneNumber\":"}) {
            var r = given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(body)
                    .when().post("/api/v1/admin/personal-data-erasures").then();
            r.statusCode(400).body("error_context", equalTo("Invoices")).body("error_code", org.hamcrest.Matchers.notNullValue());
        }
        given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("phoneNumber", "12345"))
                .when().post("/api/v1/admin/personal-data-erasures").then().statusCode(400).body("error_code", equalTo("11005"));
        given().auth().oauth2(merchantToken).contentType(ContentType.JSON).body(Map.of("phoneNumber", payerPhone))
                .when().post("/api/v1/admin/personal-data-erasures").then().statusCode(403).body("error_code", equalTo("90013"));
    }

    private static io.restassured.response.ValidatableResponse erasure(String phone) {
        return given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("phoneNumber", phone))
                .when().post("/api/v1/admin/personal-data-erasures").then();
    }

    private void assertErased(String id) {
        Row erased = row(id);
        assertNull(erased.getString("consumer_phone"));
        assertNull(erased.getString("consumer_name"));
        assertNull(erased.getValue("consumer_address_lines"));
        assertNull(erased.getValue("delivery_address_lines"));
        assertNotNull(erased.getValue("personal_data_erased_at"));
        assertEquals(0, row(id).getBigDecimal("total_amount").compareTo(new java.math.BigDecimal("360.00")));
    }

    private Row row(String id) {
        return pool.preparedQuery("select * from invoice where id = $1").execute(Tuple.of(UUID.fromString(id)))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
    }
}
