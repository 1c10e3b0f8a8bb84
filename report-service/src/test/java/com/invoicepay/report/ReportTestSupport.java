package com.invoicepay.report;

import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.common.events.Topics;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * What the report-service tests share: InvoicePaid envelopes published to the real broker (test
 * topic), real tokens, the sandbox clock and night run through their admin endpoints.
 */
public final class ReportTestSupport {
    public static final ZoneId COPENHAGEN = ZoneId.of("Europe/Copenhagen");
    public static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private static KafkaProducer<String, EventEnvelope> producer;
    /** Tokens live 5 minutes: one is reused for at most 4. */
    private static final Map<String, Map.Entry<Instant, String>> tokens = new java.util.concurrent.ConcurrentHashMap<>();

    private ReportTestSupport() {
    }

    public record Point(UUID id, UUID merchantId, String name, String country, String method) {
        public InvoiceStatusChanged.Issuer issuer() {
            return new InvoiceStatusChanged.Issuer(name, country, method);
        }

        public String currency() {
            return "FI".equals(country) ? "EUR" : "DKK";
        }
    }

    /** A payment point no other test uses. */
    public static Point newPoint(LocalStack.User merchant, String country, String method) {
        UUID id = UUID.randomUUID();
        return new Point(id, merchant.merchantId(), "Point " + method + " " + id.toString().substring(0, 8), country, method);
    }

    public static synchronized KafkaProducer<String, EventEnvelope> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new EnvelopeSerializer());
        }
        return producer;
    }

    public record Paid(EventEnvelope envelope, InvoiceStatusChanged payload) {
    }

    public static Paid paid(Point point, String amount, Instant at, String invoiceNumber, String paymentReference) {
        UUID invoiceId = UUID.randomUUID();
        InvoiceStatusChanged payload = new InvoiceStatusChanged(invoiceId, point.id(), "Paid", at, 3, "Direct",
                new BigDecimal(amount), point.currency(), invoiceNumber, paymentReference,
                LocalDate.ofInstant(at, point.issuer().zone()), "tx-" + invoiceId.toString().substring(0, 18),
                null, null, null, null, point.issuer());
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID(), "InvoicePaid", 1, at, "invoice-service",
                point.merchantId(), "test-" + invoiceId, null, null, null, EventJson.MAPPER.valueToTree(payload));
        return new Paid(envelope, payload);
    }

    public static void publish(EventEnvelope envelope) {
        publish(envelope, null);
    }

    /** Publishes with a W3C {@code traceparent} header, as invoice-service's outbox relay does (none when null). */
    public static void publish(EventEnvelope envelope, String traceparent) {
        try {
            ProducerRecord<String, EventEnvelope> record = new ProducerRecord<>("test-" + Topics.INVOICE_EVENTS, envelope.merchantId().toString(), envelope);
            if (traceparent != null) {
                record.headers().add("traceparent", traceparent.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            producer().send(record).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot publish to the test topic", e);
        }
    }

    public static Paid publishPaid(Point point, String amount, Instant at, String invoiceNumber, String paymentReference) {
        Paid p = paid(point, amount, at, invoiceNumber, paymentReference);
        publish(p.envelope());
        return p;
    }

    public static String admin() {
        return token(LocalStack.OPS_ADMIN, "openid");
    }

    static String token(LocalStack.User user, String scope) {
        return tokens.compute(user.username() + " " + scope, (k, old) ->
                old != null && old.getKey().isAfter(Instant.now().minus(Duration.ofMinutes(4))) ? old
                        : Map.entry(Instant.now(), Keycloak.userToken(INTEGRATOR_APP, user, scope))).getValue();
    }

    /** A reporting call of {@code merchant} through the gateway (token, client id and secret). */
    public static RequestSpecification reporting(LocalStack.User merchant) {
        String token = token(merchant, "openid transactionreporting");
        return given().auth().oauth2(token).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret());
    }

    /** Sets the service clock to {@code now} (an offset from real time). */
    public static void clockAt(Instant now) {
        setOffset(Duration.between(Instant.now(), now));
    }

    public static void resetClock() {
        setOffset(Duration.ZERO);
    }

    private static void setOffset(Duration offset) {
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("offset", offset.toString()))
                .when().put("/sandbox/clock").then().statusCode(200);
    }

    public static int runNight() {
        return given().auth().oauth2(admin()).when().post("/sandbox/transfers/night-run").then().statusCode(200)
                .extract().path("transfersExecuted");
    }

    /** Waits until the point's ledger has {@code count} entries (the consumer is asynchronous). */
    public static void awaitEntries(Point point, int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                reporting(merchantOf(point)).queryParam("paymentpointid", point.id()).queryParam("pagesize", 1000)
                        .when().get("/v3/reporting/transactions").then().extract().statusCode() == 200
                        && reporting(merchantOf(point)).queryParam("paymentpointid", point.id()).queryParam("pagesize", 1000)
                        .when().get("/v3/reporting/transactions").then().extract().<java.util.List<?>>path("transactions").size() >= count);
    }

    public static LocalStack.User merchantOf(Point point) {
        return point.merchantId().equals(LocalStack.MERCHANT_1.merchantId()) ? LocalStack.MERCHANT_1 : LocalStack.MERCHANT_2;
    }
}
