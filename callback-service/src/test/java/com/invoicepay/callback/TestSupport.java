package com.invoicepay.callback;

import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.restassured.http.ContentType;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Helpers of callback-service's tests: events as invoice-service writes them, the clock, signatures. */
public final class TestSupport {
    private static String adminToken;

    private TestSupport() {
    }

    public static synchronized String adminToken() {
        if (adminToken == null) {
            adminToken = Keycloak.userToken(LocalStack.INTEGRATOR_APP, LocalStack.OPS_ADMIN, "openid");
        }
        return adminToken;
    }

    /** Moves this service's sandbox clock to real time plus {@code offset}. */
    public static void moveClock(Duration offset) {
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON).body(Map.of("offset", offset.toString()))
                .when().put("/sandbox/clock").then().statusCode(200);
    }

    public static EventEnvelope statusEvent(UUID merchant, UUID invoice, String status, Instant date, long sequence) {
        InvoiceStatusChanged change = new InvoiceStatusChanged(invoice, UUID.randomUUID(), status, date, sequence, "Direct",
                new java.math.BigDecimal("100.00"), "DKK", "INV-1", "REF-1",
                "Accepted".equals(status) ? LocalDate.of(2026, 12, 1) : null, null,
                "Invalid".equals(status) ? "10008" : null, "Invalid".equals(status) ? "TotalAmount must be greater than 0" : null,
                null, null, new InvoiceStatusChanged.Issuer("Shop", "DK", "Instant"));
        return EventEnvelope.of(InvoiceStatusChanged.typeOf(status), 1, date, "invoice-service", merchant,
                new EventOrigin(UUID.randomUUID().toString(), "integrator-app", "ShopSys", "1.0.0"), change);
    }

    /** Standard Webhooks verification as a receiver does it: any of the signatures under the secret. */
    public static boolean verifies(String secret, Receiver.Request request) {
        String id = request.header("webhook-id");
        String timestamp = request.header("webhook-timestamp");
        String header = request.header("webhook-signature");
        if (id == null || timestamp == null || header == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            String expected = "v1," + Base64.getEncoder().encodeToString(
                    mac.doFinal((id + "." + timestamp + "." + request.body()).getBytes(StandardCharsets.UTF_8)));
            return List.of(header.split(" ")).contains(expected);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
