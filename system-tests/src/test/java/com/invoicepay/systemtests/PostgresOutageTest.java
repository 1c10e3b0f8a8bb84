package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * invoice-service's PostgreSQL stopped and started again. The database is a private server of this test
 * (PrivatePostgres), the instance of invoice-service runs from the stack's build on port 8086 against it
 * (Kafka: the stack's broker, test- topics). While the database is down, readiness is DOWN and a create is
 * answered within 2 s with 503/90053 and the error body;
 * once it is back, readiness is UP again and every invoice that was answered 200, before and after, exists
 * and has its InvoiceCreated event on Kafka.
 */
class PostgresOutageTest {
    static final int PG_PORT = 25433; // below the ephemeral range (32768-60999): no client socket can hold it
    static final int PORT = 8086;
    static final String BASE = "http://127.0.0.1:" + PORT;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    PrivatePostgres postgres;
    Process instance;

    @AfterEach
    void stop() throws Exception {
        ServiceInstance.stop(instance);
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    void aStoppedDatabaseIsA503QuicklyAndNothingAcceptedIsLost() throws Exception {
        postgres = PrivatePostgres.create(PG_PORT);
        postgres.createDatabase("invoice_service", "invoice_service", "invoice_service");
        instance = ServiceInstance.start("invoice-service (private PostgreSQL)", OutboxCrashTest.APP, PORT, List.of(
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:" + PG_PORT + "/invoice_service",
                "-Dquarkus.datasource.jdbc.url=" + postgres.jdbcUrl("invoice_service"),
                "-Dinvoicepay.topic-prefix=test-",
                "-Dinvoice.jobs.interval=1h"), new File("target/postgres-outage.log"));

        String admin = Keycloak.userToken(LocalStack.INTEGRATOR_APP, LocalStack.OPS_ADMIN, "openid");
        String phone = "+452" + String.format("%07d", (long) (Math.random() * 10_000_000));
        HttpResponse<String> consumer = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/admin/sandbox-consumers"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("phoneNumber", phone, "name", "Outage Payer",
                        "cards", List.of(Map.of("alwaysFails", false)))))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, consumer.statusCode(), consumer.body());

        try (KafkaConsumer<String, String> events = OutboxCrashTest.consumer()) {
            List<String> accepted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                accepted.add(create(phone, 200).path("invoiceId").asText());
            }

            postgres.stop();
            long stopped = System.nanoTime();
            awaitReadiness(503, 30);
            long down = System.nanoTime() - stopped;
            long slowest = 0;
            Set<String> outageAnswers = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                HttpResponse<String> response = send(phone);
                slowest = Math.max(slowest, System.nanoTime() - start);
                JsonNode error = JSON.readTree(response.body());
                outageAnswers.add(response.statusCode() + " " + error.path("error_code").asText());
                // DESIGN.md: 503 with 90053 and a Retry-After, the error body, fast, nothing stored
                assertEquals(503, response.statusCode(), response.body());
                assertTrue(response.headers().firstValue("Retry-After").isPresent(), "Retry-After on a 503");
                assertEquals("ServerError", error.path("error").asText(), response.body());
                assertEquals("90053", error.path("error_code").asText(), response.body());
            }
            assertTrue(slowest < TimeUnit.MILLISECONDS.toNanos(2000), "a 503 within 2 s, not a hanging request: " + slowest / 1_000_000 + " ms");

            postgres.start();
            long restarted = System.nanoTime();
            awaitReadiness(200, 60);
            long up = System.nanoTime() - restarted;
            for (int i = 0; i < 3; i++) {
                accepted.add(create(phone, 200).path("invoiceId").asText());
            }

            Set<String> stored = new HashSet<>();
            try (var db = DriverManager.getConnection(postgres.jdbcUrl("invoice_service"), "invoice_service", "invoice_service");
                 var query = db.prepareStatement("select id from invoice where consumer_phone = ?")) {
                query.setString(1, phone);
                try (var rows = query.executeQuery()) {
                    while (rows.next()) {
                        stored.add(rows.getString(1));
                    }
                }
            }
            Set<String> announced = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!announced.containsAll(accepted) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(200))) {
                    Matcher invoice = OutboxCrashTest.INVOICE_ID.matcher(record.value());
                    if (invoice.find() && accepted.contains(invoice.group(1))) {
                        announced.add(invoice.group(1));
                    }
                }
            }
            System.out.printf("postgres outage: readiness DOWN %d ms after the stop, UP %d ms after the restart; slowest answer meanwhile %d ms; "
                            + "those answers %s; %d answered 200, %d stored, %d announced on Kafka%n", down / 1_000_000, up / 1_000_000,
                    slowest / 1_000_000, outageAnswers,
                    accepted.size(), stored.size(), announced.size());
            assertEquals(Set.copyOf(accepted), stored, "every invoice answered 200 is stored, and nothing else");
            assertTrue(announced.containsAll(accepted), "every invoice answered 200 has its event on Kafka");
        }
    }

    static JsonNode create(String phone, int expected) throws Exception {
        HttpResponse<String> response = send(phone);
        assertEquals(expected, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> send(String phone) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(BASE + "/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(OutboxCrashTest.invoice(phone))));
        return HTTP.send(Tokens.gateway(request, MERCHANT_1, "openid invoice").build(), HttpResponse.BodyHandlers.ofString());
    }

    static void awaitReadiness(int status, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("readiness answered " + last + ", not " + status + ", within " + seconds + " s");
    }
}
