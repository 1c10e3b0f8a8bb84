package com.invoicepay.invoice.rest;

import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.common.events.Topics;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The invoice's life through the real API, database and broker: every status transition of
 * DESIGN.md, every documented code the API answers, and the events the outbox publishes.
 */
@QuarkusTest
class InvoiceLifecycleTest extends InvoiceApiTestBase {
    // ---- creation ------------------------------------------------------------------------------

    @Test
    void createdInvoiceHasStatusCreatedDetailsAndAnInvoiceCreatedEvent() {
        String number = number();
        String id = created(number);
        assertEquals("Created", status(id));
        merchant(merchantToken).when().get("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices/" + id).then()
                .statusCode(200)
                .body("invoiceId", equalTo(id))
                .body("invoiceNumber", equalTo(number))
                .body("currencyCode", equalTo("DKK"))
                .body("totalAmount", equalTo(360.0f))
                .body("totalVatAmount", equalTo(72.0f))
                .body("totalAmountExcludingVat", equalTo(288.0f))
                .body("invoiceVatTotals", hasSize(1))
                .body("invoiceVatTotals[0].vatRate", equalTo(25))
                .body("invoiceIssuerId", equalTo(INSTANT_ISSUER))
                .body("invoiceIssuerName", equalTo("Merchant One Instant"))
                .body("merchantIsoCountryCode", equalTo("DK"))
                .body("paymentReference", equalTo("REF-" + number))
                .body("status", equalTo("Created"))
                .body("paymentDate", nullValue());
        assertEquals(List.of("Created"), awaitStatuses(id, 1));
        InvoiceStatusChanged event = eventsOf(id).get(0);
        assertEquals(0, event.sequence());
        assertEquals("REF-" + number, event.paymentReference());
    }

    @Test
    void consumerNotFoundIs10101() {
        Map<String, Object> body = invoice(number());
        body.put("ConsumerAlias", Map.of("Alias", "+4549999999", "AliasType", "Phone"));
        isError(create(body), 400, "InputError", "10101");
    }

    @Test
    void consumerNotAvailableIs10102() {
        Map<String, Object> body = invoice(number());
        body.put("ConsumerAlias", Map.of("Alias", "+4540000003", "AliasType", "Phone"));
        isError(create(body), 400, "InputError", "10102");
    }

    /** Tracing (issue #8): the caller's W3C trace context reaches the event's record, through the outbox row. */
    @Test
    void theEventOfAChangeCarriesTheTraceOfTheCallThatMadeIt() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpan = "b7ad6b7169203331";
        String id = merchant(merchantToken).header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .contentType("application/json").body(invoice(number()))
                .when().post("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices")
                .then().statusCode(200).extract().path("invoiceId");
        var record = await().atMost(Duration.ofSeconds(20)).until(() -> events.getRecords().stream()
                .filter(r -> r.value() != null && r.value().type().equals("InvoiceCreated")
                        && id.equals(r.value().payload().path("invoiceId").asText()))
                .findFirst(), java.util.Optional::isPresent).orElseThrow();
        var header = record.headers().lastHeader("traceparent");
        assertNotNull(header, "the record carries a traceparent header");
        String[] traceparent = new String(header.value(), java.nio.charset.StandardCharsets.UTF_8).split("-");
        assertEquals(traceId, traceparent[1], "the API call's trace id");
        assertNotEquals(callerSpan, traceparent[2], "the record's span is the relay's, a descendant of the caller's");
    }

    @Test
    void anIdenticalRequestIs409With10104AndCreatesNothing() {
        Map<String, Object> body = invoice(number());
        create(body).statusCode(200);
        isError(create(body), 409, "DomainError", "10104");
    }

    @Test
    void anotherMerchantsIssuerIs10202AndADisabledIssuerIs10203() {
        Map<String, Object> body = invoice(number());
        body.put("InvoiceIssuer", MERCHANT_2_ISSUER);
        isError(create(body), 400, "InputError", "10202");
        body.put("InvoiceIssuer", DISABLED_ISSUER);
        isError(create(body), 400, "InputError", "10203");
    }

    @Test
    void theDocumentedAmountAndDateCodesAnswer400() {
        Map<String, Object> body = invoice(number());
        body.put("TotalAmount", 0);
        isError(create(body), 400, "InputError", "10008");
        body.put("TotalAmount", 15000.01);
        isError(create(body), 400, "InputError", "10201");
        body = invoice(number());
        body.put("DueDate", today().minusDays(1).toString());
        isError(create(body), 400, "InputError", "10311");
        body.put("DueDate", today().plusDays(401).toString());
        isError(create(body), 400, "InputError", "10310");
        body = invoice(number());
        body.put("IssueDate", today().plusDays(1).toString());
        isError(create(body), 400, "InputError", "10312");
    }

    @Test
    void theEleventhInvoiceToOneConsumerOnOneDayIs10314() {
        for (int i = 0; i < 10; i++) {
            create(invoice(number())).statusCode(200);
        }
        isError(create(invoice(number())), 400, "InputError", "10314");
    }

    @Test
    void theDailyLimitCountsAFinnishIssuersDayInTheHourHelsinkiIsADayAheadOfCopenhagen() {
        // half past midnight in Helsinki is still the day before in Copenhagen, whose day a create reads first
        ZoneId helsinki = ZoneId.of("Europe/Helsinki");
        Instant halfPastMidnight = LocalDate.now(helsinki).plusDays(1).atStartOfDay(helsinki).plusMinutes(30).toInstant();
        assertNotEquals(LocalDate.ofInstant(halfPastMidnight, COPENHAGEN), LocalDate.ofInstant(halfPastMidnight, helsinki));
        moveClock(Duration.between(Instant.now(), halfPastMidnight));
        for (int i = 0; i <= 10; i++) {
            Map<String, Object> body = invoice(number());
            body.put("InvoiceIssuer", MERCHANT_2_ISSUER); // FI, EUR
            ValidatableResponse answer = merchant(merchant2Token).contentType(ContentType.JSON).body(body)
                    .when().post("/api/v1/merchants/" + MERCHANT_2.merchantId() + "/invoices").then();
            if (i < 10) {
                answer.statusCode(200);
            } else {
                isError(answer, 400, "InputError", "10314");
            }
        }
    }

    @Test
    void malformedJsonAndWrongTypesAre400WithTheErrorBodyNever500() {
        isError(merchant(merchantToken).contentType(ContentType.JSON).body("{\"InvoiceIssuer\": ")
                .when().post("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices").then(), 400, "InputError", "90040");
        Map<String, Object> body = invoice(number());
        body.put("InvoiceIssuer", "not-a-uuid");
        create(body).statusCode(400).body("error_code", equalTo("90040")).body("error_description", containsString("invoiceIssuer"));
        body = invoice(number());
        body.put("TotalAmount", "lots");
        create(body).statusCode(400).body("error_code", equalTo("90040"));
        isError(merchant(merchantToken).contentType(ContentType.JSON).body("[]")
                .when().post("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices").then(), 400, "InputError", "90040");
    }

    // ---- the payer, payments and expiry ----------------------------------------------------------

    @Test
    void acceptedForTodayIsPaidAtOnceWithATransactionId() {
        String id = created(number());
        accept(id, today().toString(), null).statusCode(200).body("invoicePaymentStatus", equalTo("Paid"));
        assertEquals("Paid", status(id));
        merchant(merchantToken).when().get("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices/" + id).then()
                .body("paymentTransactionId", notNullValue()).body("paymentDate", containsString(today().toString()));
        assertEquals(List.of("Created", "Accepted", "Paid"), awaitStatuses(id, 3));
        assertEquals(List.of(0L, 1L, 2L), eventsOf(id).stream().map(InvoiceStatusChanged::sequence).toList());
        assertEquals(today(), eventsOf(id).get(1).paymentDate());
    }

    @Test
    void aScheduledPaymentRunsOnItsDate() {
        String id = created(number());
        accept(id, today().plusDays(3).toString(), null).statusCode(200).body("invoicePaymentStatus", equalTo("Accepted"));
        runJobs();
        assertEquals("Accepted", status(id));
        moveClock(Duration.ofDays(3));
        runJobs();
        assertEquals("Paid", status(id));
        assertEquals(List.of("Created", "Accepted", "Paid"), awaitStatuses(id, 3));
    }

    @Test
    void aScheduledPaymentWithAFailingCardExpires() {
        String id = created(number());
        accept(id, today().toString(), failingCard).statusCode(200).body("invoicePaymentStatus", equalTo("Expired"));
        assertEquals(List.of("Created", "Accepted", "Expired"), awaitStatuses(id, 3));
    }

    @Test
    void anUnpaidInvoiceExpiresAfterDueDatePlus30Days() {
        Map<String, Object> body = invoice(number());
        body.put("DueDate", today().toString());
        String id = create(body).statusCode(200).extract().path("invoiceId");
        moveClock(Duration.ofDays(30));
        runJobs();
        assertEquals("Created", status(id), "still payable on DueDate + 30");
        moveClock(Duration.ofDays(31));
        runJobs();
        assertEquals("Expired", status(id));
    }

    @Test
    void thePayerRejectsAndARejectedInvoiceStaysRejected() {
        String id = created(number());
        merchant(payerToken).header("AuthenticatedUser", payerId).when().put("/api/v1/consumers/me/invoices/" + id + "/reject")
                .then().statusCode(200).body("invoiceId", equalTo(id));
        assertEquals("Rejected", status(id));
        isError(merchant(payerToken).header("AuthenticatedUser", payerId).when()
                .put("/api/v1/consumers/me/invoices/" + id + "/reject").then(), 409, "DomainError", "10504");
        isError(accept(id, today().toString(), null), 409, "DomainError", "10504");
    }

    @Test
    void anotherMerchantsTokenCannotActAsThePayerOfAnInvoice() {
        String id = created(number());
        String merchant2Payer = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_2, "openid invoice-usersimulation");
        isError(merchant(merchant2Payer).header("AuthenticatedUser", payerId).contentType(ContentType.JSON).body(Map.of())
                .when().put("/api/v1/consumers/me/invoices/" + id + "/accept").then(), 404, "InputError", "11012");
        isError(merchant(merchant2Payer).header("AuthenticatedUser", payerId).when()
                .put("/api/v1/consumers/me/invoices/" + id + "/reject").then(), 404, "InputError", "11012");
        isError(merchant(merchant2Payer).header("AuthenticatedUser", payerId).when()
                .get("/api/v1/consumers/me/invoices/" + id + "/pdf").then(), 404, "InputError", "11012");
        assertEquals("Created", status(id), "another merchant's token changed nothing");
    }

    @Test
    void userSimulationNeedsItsScope() {
        String id = created(number());
        merchant(merchantToken).header("AuthenticatedUser", payerId).contentType(ContentType.JSON).body(Map.of())
                .when().put("/api/v1/consumers/me/invoices/" + id + "/accept").then().statusCode(403).body("error_code", equalTo("90010"));
    }

    // ---- cancel --------------------------------------------------------------------------------

    @Test
    void cancelOfCreatedIs204AndCancelOfCanceledChangesAndAnnouncesNothing() {
        String id = created(number());
        cancel(id).statusCode(204);
        assertEquals("Canceled", status(id));
        cancel(id).statusCode(204);
        assertEquals(List.of("Created", "Canceled"), awaitStatuses(id, 2));
        String later = created(number()); // its event comes after any second Canceled would have
        awaitStatuses(later, 1);
        assertEquals(2, eventsOf(id).size(), "a second cancel announces nothing");
    }

    @Test
    void cancelOfAnAcceptedInvoiceIsAllowed() {
        String id = created(number());
        accept(id, today().plusDays(2).toString(), null).statusCode(200);
        cancel(id).statusCode(204);
        assertEquals("Canceled", status(id));
        moveClock(Duration.ofDays(2));
        runJobs();
        assertEquals("Canceled", status(id), "a canceled invoice is never paid");
    }

    @Test
    void cancelOfAPaidInvoiceIs409With10504() {
        String id = created(number());
        accept(id, today().toString(), null).statusCode(200);
        isError(cancel(id), 409, "DomainError", "10504");
        assertEquals("Paid", status(id));
    }

    @Test
    void anUnknownInvoiceAndAnotherMerchantsInvoiceAre404() {
        isError(cancel(UUID.randomUUID().toString()), 404, "InputError", "11012");
        String id = created(number());
        merchant(merchant2Token).when().get("/api/v1/merchants/" + MERCHANT_2.merchantId() + "/invoices/" + id + "/status")
                .then().statusCode(404).body("error_code", equalTo("11012"));
        merchant(merchant2Token).when().put("/api/v1/merchants/" + MERCHANT_2.merchantId() + "/invoices/" + id + "/cancel")
                .then().statusCode(404);
        assertEquals("Created", status(id));
    }
}
