package com.invoicepay.invoice.rest;

import com.invoicepay.common.events.ConsentChanged;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.common.events.Topics;
import com.invoicepay.testsupport.EnvelopeCompanion;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;
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

/**
 * What the Invoice API tests share: tokens, a payer of their own per test (the daily limit allows 10
 * invoices per consumer per merchant and day), request builders and the invoice events seen on the broker.
 */
abstract class InvoiceApiTestBase {
    static final String INSTANT_ISSUER = "11111111-1111-4111-8111-000000000001";
    static final String DISABLED_ISSUER = "11111111-1111-4111-8111-000000000005";
    static final String MERCHANT_2_ISSUER = "11111111-1111-4111-8111-000000000003";
    static final ZoneId COPENHAGEN = ZoneId.of("Europe/Copenhagen");

    static String merchantToken, payerToken, adminToken, merchant2Token;
    /** This test's own payer (the daily limit allows 10 invoices per consumer per merchant and day). */
    String payerId, payerPhone, goodCard, failingCard;
    static KafkaCompanion kafka;
    static ConsumerTask<String, EventEnvelope> events;

    @ConfigProperty(name = "invoicepay.topic-prefix", defaultValue = "")
    String prefix;

    @BeforeAll
    static void setUp() {
        merchantToken = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        merchant2Token = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_2, "openid invoice");
        payerToken = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice-usersimulation");
        adminToken = Keycloak.userToken(INTEGRATOR_APP, LocalStack.OPS_ADMIN, "openid");
        kafka = EnvelopeCompanion.tolerant();
        events = kafka.consume(String.class, EventEnvelope.class).fromTopics("test-" + Topics.INVOICE_EVENTS);
    }

    @AfterAll
    static void tearDown() {
        events.stop();
        kafka.close();
    }

    @org.junit.jupiter.api.BeforeEach
    void registerPayer() {
        payerPhone = "+455" + String.format("%07d", (long) (Math.random() * 10_000_000));
        var payer = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body(Map.of("phoneNumber", payerPhone, "name", "Test Payer", "cards", List.of(
                        Map.of("maskedNumber", "4571 XXXX XXXX 1111", "cardType", "Visa", "alwaysFails", false),
                        Map.of("maskedNumber", "5413 XXXX XXXX 2222", "cardType", "Mastercard", "alwaysFails", true))))
                .when().post("/api/v1/admin/sandbox-consumers").then().statusCode(201).extract().jsonPath();
        payerId = payer.getString("payerId");
        goodCard = payer.getString("cards[0].id");
        failingCard = payer.getString("cards[1].id");
    }

    @AfterEach
    void resetClock() {
        moveClock(Duration.ZERO);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * Every response an integrator's call gets is checked against the project's copy of invoice.yaml
     * (src/test/resources/contract). Requests are not: tests send wrong ones on purpose.
     */
    static final OpenApiValidationFilter CONTRACT = new OpenApiValidationFilter(OpenApiInteractionValidator
            .createForSpecificationUrl(InvoiceApiTestBase.class.getResource("/contract/invoice.yaml").toString())
            .withLevelResolver(LevelResolver.create()
                    .withLevel("validation.request", ValidationReport.Level.IGNORE)
                    // statuses the original left undocumented (400, 401, 403, 404, 413, 429): their body is still checked where declared
                    .withLevel("validation.response.status.unknown", ValidationReport.Level.IGNORE)
                    .build())
            .build());

    static RequestSpecification merchant(String token) {
        return given().filter(CONTRACT).auth().oauth2(token).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret());
    }

    static LocalDate today() {
        return LocalDate.now(COPENHAGEN);
    }

    /** An InvoiceDirect as the contract's example writes it: PascalCase names, read case-insensitively. */
    Map<String, Object> invoice(String number) {
        Map<String, Object> body = new HashMap<>();
        body.put("InvoiceIssuer", INSTANT_ISSUER);
        body.put("ConsumerAlias", Map.of("Alias", payerPhone, "AliasType", "Phone"));
        body.put("ConsumerName", "Test Payer");
        body.put("TotalAmount", 360);
        body.put("TotalVATAmount", 72);
        body.put("InvoiceNumber", number);
        body.put("IssueDate", today() + "T08:00:00+01:00");
        body.put("DueDate", today().plusDays(14).toString());
        body.put("PaymentReference", "REF-" + number);
        body.put("InvoiceArticles", List.of(Map.of("ArticleNumber", "456", "ArticleDescription", "Lorem ipsum",
                "VATRate", 25, "TotalVATAmount", 72, "TotalPriceIncludingVat", 360, "Quantity", 6, "PricePerUnit", 60)));
        body.put("InvoiceUrl", "https://shop.example/invoices/" + number);
        return body;
    }

    static ValidatableResponse create(Map<String, Object> body) {
        return merchant(merchantToken).contentType("application/json-patch+json").body(body)
                .when().post("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices").then();
    }

    String created(String number) {
        return create(invoice(number)).statusCode(200).body("invoiceId", notNullValue()).extract().path("invoiceId");
    }

    static String number() {
        return "N-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void isError(ValidatableResponse r, int status, String kind, String code) {
        r.statusCode(status).body("error_code", equalTo(code)).body("error", equalTo(kind))
                .body("error_context", equalTo("Invoices")).body("correlation_id", notNullValue());
    }

    static String status(String id) {
        return merchant(merchantToken).when().get("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices/" + id + "/status")
                .then().statusCode(200).body("invoiceId", equalTo(id)).extract().path("status");
    }

    static ValidatableResponse cancel(String id) {
        return merchant(merchantToken).when().put("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices/" + id + "/cancel").then();
    }

    ValidatableResponse accept(String id, String paymentDate, String card) {
        Map<String, Object> body = new HashMap<>();
        body.put("PaymentDate", paymentDate);
        if (card != null) {
            body.put("ConsumerCard", card);
        }
        return merchant(payerToken).header("AuthenticatedUser", payerId).contentType(ContentType.JSON).body(body)
                .when().put("/api/v1/consumers/me/invoices/" + id + "/accept").then();
    }

    static void moveClock(Duration offset) {
        given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("offset", offset.toString()))
                .when().put("/sandbox/clock").then().statusCode(200);
    }

    static void runJobs() {
        given().auth().oauth2(adminToken).when().post("/sandbox/invoice-jobs/run").then().statusCode(200);
    }

    // ---- consents ------------------------------------------------------------------------------

    ValidatableResponse requestConsent(String invoiceId) {
        return merchant(merchantToken).contentType(ContentType.JSON).body(Map.of("InvoiceId", invoiceId))
                .when().post("/api/v1/directinvoiceconsents").then();
    }

    ValidatableResponse decide(String consentId, String payer, boolean granted) {
        return merchant(payerToken).header("AuthenticatedUser", payer).contentType(ContentType.JSON)
                .body(Map.of("IsConsentGranted", granted))
                .when().put("/api/v1/consumers/me/invoices/directinvoiceconsent/" + consentId).then();
    }

    static List<Integer> consentStates(String consentId) {
        return events.getRecords().stream().map(r -> r.value())
                .filter(e -> e != null && ConsentChanged.TYPE.equals(e.type()))
                .map(e -> e.payloadAs(ConsentChanged.class)).filter(c -> c.consentId().toString().equals(consentId))
                .map(ConsentChanged::state).toList();
    }

    /** The status events of one invoice seen on the broker so far, in sequence order. */
    static List<InvoiceStatusChanged> eventsOf(String id) {
        // the test topic is shared with other modules' tests, whose records need not carry an invoice id
        return events.getRecords().stream().map(r -> r.value()).filter(e -> e != null && e.type().startsWith("Invoice"))
                .map(e -> e.payloadAs(InvoiceStatusChanged.class)).filter(p -> p.invoiceId() != null && p.invoiceId().toString().equals(id))
                .sorted(java.util.Comparator.comparingLong(InvoiceStatusChanged::sequence)).toList();
    }

    static List<String> awaitStatuses(String id, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(id).size() >= count);
        return eventsOf(id).stream().map(InvoiceStatusChanged::status).toList();
    }

}
