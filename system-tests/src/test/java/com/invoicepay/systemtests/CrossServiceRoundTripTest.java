package com.invoicepay.systemtests;

import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Against the running stack of deploy/local: an invoice created and paid through invoice-service
 * (8081) produces three events through its outbox; callback-service (8082), another process with
 * another database, consumes exactly those three envelopes from Kafka. Verified in both services'
 * own databases by event id. The trace of the paying call continues in callback-service's item and
 * in report-service's transfer announcement.
 */
class CrossServiceRoundTripTest {
    static final String INVOICES = "http://127.0.0.1:8081";

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret()).contentType(ContentType.JSON);
    }

    @Test
    void eventsOfInvoiceServiceAreConsumedByCallbackService() throws SQLException {
        String admin = Keycloak.userToken(INTEGRATOR_APP, LocalStack.OPS_ADMIN, "openid");
        String phone = "+456" + String.format("%07d", (long) (Math.random() * 10_000_000));
        String payer = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("phoneNumber", phone, "name", "System Test Payer",
                        "cards", List.of(Map.of("maskedNumber", "4571 XXXX XXXX 9999", "cardType", "Visa", "alwaysFails", false))))
                .when().post(INVOICES + "/api/v1/admin/sandbox-consumers").then().statusCode(201).extract().path("payerId");

        String merchant = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        String number = "SYS-" + UUID.randomUUID().toString().substring(0, 8);
        String invoiceId = as(merchant).body(Map.of(
                        "InvoiceIssuer", "11111111-1111-4111-8111-000000000001",
                        "ConsumerAlias", Map.of("Alias", phone, "AliasType", "Phone"),
                        "TotalAmount", 123.45, "InvoiceNumber", number, "PaymentReference", "REF-" + number,
                        "DueDate", LocalDate.now(ZoneId.of("Europe/Copenhagen")).plusDays(10).toString(),
                        "InvoiceArticles", List.of(Map.of("ArticleDescription", "System test"))))
                .when().post(INVOICES + "/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices")
                .then().statusCode(200).extract().path("invoiceId");

        String payerToken = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice-usersimulation");
        String paymentTrace = UUID.randomUUID().toString().replace("-", "");
        as(payerToken).header("AuthenticatedUser", payer).body(Map.of())
                .header("traceparent", "00-" + paymentTrace + "-5fb397be34d26b51-01")
                .when().put(INVOICES + "/api/v1/consumers/me/invoices/" + invoiceId + "/accept")
                .then().statusCode(200).body("invoicePaymentStatus", equalTo("Paid"));

        List<UUID> published = eventIds(invoiceId);
        assertEquals(3, published.size(), "Created, Accepted and Paid, each once in invoice-service's outbox");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> consumedByCallbackService(published) == published.size());

        // issue #8: the payment's trace reaches the consumers through the record headers (Instant issuer: a transfer at once)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> traceOf("callback_service",
                "select trace_parent from pending_item where invoice_id = cast(? as uuid) and status = 'Paid'", invoiceId) != null);
        assertEquals(paymentTrace, traceOf("callback_service",
                "select trace_parent from pending_item where invoice_id = cast(? as uuid) and status = 'Paid'", invoiceId).split("-")[1],
                "callback-service's item of the payment is in the payment call's trace");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> traceOf("report_service",
                "select trace_parent from outbox_event where envelope->>'type' = 'TransferExecuted' and envelope->'payload'->>'reference' = ?",
                "REF-" + number) != null);
        assertEquals(paymentTrace, traceOf("report_service",
                "select trace_parent from outbox_event where envelope->>'type' = 'TransferExecuted' and envelope->'payload'->>'reference' = ?",
                "REF-" + number).split("-")[1], "report-service's transfer is announced in the payment call's trace");
    }

    /** The first trace_parent a query finds in a service's own database, or null. */
    private static String traceOf(String database, String sql, String parameter) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, database, database);
             PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, parameter);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The invoice's events in invoice-service's outbox, once the relay marked them sent (broker acknowledged). */
    private static List<UUID> eventIds(String invoiceId) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ids.clear();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/invoice_service",
                    "invoice_service", "invoice_service");
                 PreparedStatement q = c.prepareStatement("select event_id from outbox_event "
                         + "where envelope->'payload'->>'invoiceId' = ? and sent_at is not null")) {
                q.setString(1, invoiceId);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        ids.add((UUID) rs.getObject(1));
                    }
                }
            }
            return ids.size() == 3;
        });
        return ids;
    }

    private static int consumedByCallbackService(List<UUID> eventIds) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/callback_service",
                "callback_service", "callback_service");
             PreparedStatement q = c.prepareStatement("select count(*) from processed_event where event_id = any(?)")) {
            q.setArray(1, c.createArrayOf("uuid", eventIds.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
