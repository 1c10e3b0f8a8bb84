package com.invoicepay.systemtests;

import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * invoice-service killed by the outbox's fault hooks ({@code invoicepay.outbox.fault}, a
 * {@code Runtime.halt}, as {@code kill -9}) right after the database commit and before the broker's
 * acknowledgement, and again after the acknowledgement and before marking the row sent. After a
 * restart every invoice that was committed (those answered 200 among them; the halt may beat the
 * answer) has its InvoiceCreated event on Kafka: zero missing; the
 * duplicates (the second case publishes again) are counted and printed, since consumers dedup by eventId.
 *
 * The instance runs from the local stack's build on port 8095 against the invoice_service_test
 * database and the test- topics, so the stack's own invoice-service (and its relay) never touches its outbox.
 */
class OutboxCrashTest {
    static final int PORT = 8095;
    static final String BASE = "http://127.0.0.1:" + PORT;
    static final Path APP = Path.of("..", "deploy", "local", ".run", "apps", "invoice-service", "quarkus-run.jar");
    static final Pattern INVOICE_ID = Pattern.compile("\"invoiceId\":\\s*\"([0-9a-f-]{36})\"");
    static final Pattern EVENT_ID = Pattern.compile("\"eventId\":\\s*\"([0-9a-f-]{36})\"");

    Process instance;

    @AfterEach
    void stop() throws InterruptedException {
        stop(instance);
    }

    @Test
    void haltAfterCommitBeforePublishLosesNothing() throws Exception {
        survives("halt-before-publish");
    }

    @Test
    void haltAfterAcknowledgementBeforeMarkingSentLosesNothingAndDuplicatesAreCounted() throws Exception {
        survives("halt-after-publish");
    }

    void survives(String fault) throws Exception {
        // drain whatever an earlier run left unsent, so the hook fires on this test's invoices
        instance = start("none");
        String admin = Keycloak.userToken(INTEGRATOR_APP, LocalStack.OPS_ADMIN, "openid");
        String merchant = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        String phone = "+453" + String.format("%07d", (long) (Math.random() * 10_000_000));
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("phoneNumber", phone, "name", "Crash Test Payer", "cards", List.of(Map.of("alwaysFails", false))))
                .when().post(BASE + "/api/v1/admin/sandbox-consumers").then().statusCode(201);
        Thread.sleep(2000); // the relay's poll has run
        stop(instance);

        try (KafkaConsumer<String, String> events = consumer()) {
            instance = start(fault);
            List<String> accepted = new ArrayList<>();
            int sent = 0;
            while (instance.isAlive() && sent < 10) { // the daily limit allows 10 per payer
                sent++;
                try {
                    var response = given().auth().oauth2(merchant).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                            .header("x-ibm-client-secret", INTEGRATOR_APP.secret()).contentType(ContentType.JSON)
                            .body(invoice(phone)).when().post(BASE + "/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices");
                    if (response.statusCode() == 200) {
                        accepted.add(response.path("invoiceId"));
                    }
                } catch (Exception connectionLost) {
                    // the hook halted the process in the middle of this request: it was not answered 2xx
                }
            }
            assertTrue(instance.waitFor(30, TimeUnit.SECONDS), "the fault hook halted invoice-service");
            // what was committed, answered or not (the halt may beat the response): every one must be announced
            List<String> committed = committedInvoices(phone);
            assertTrue(committed.containsAll(accepted), "every invoice answered 200 exists");
            assertEquals(137, instance.exitValue(), "halted by the hook (Runtime.halt(137)), not a clean exit");
            instance = start("none");

            Set<String> missing = new HashSet<>(committed);
            Map<String, Integer> deliveries = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(200))) {
                    Matcher invoice = INVOICE_ID.matcher(record.value());
                    Matcher event = EVENT_ID.matcher(record.value());
                    if (invoice.find() && event.find() && committed.contains(invoice.group(1))) {
                        missing.remove(invoice.group(1));
                        deliveries.merge(event.group(1), 1, Integer::sum);
                    }
                }
            }
            // a little longer, to see the duplicates the restart publishes after the last first copy
            for (int i = 0; i < 10; i++) {
                for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(200))) {
                    Matcher invoice = INVOICE_ID.matcher(record.value());
                    Matcher event = EVENT_ID.matcher(record.value());
                    if (invoice.find() && event.find() && committed.contains(invoice.group(1))) {
                        deliveries.merge(event.group(1), 1, Integer::sum);
                    }
                }
            }
            int duplicates = deliveries.values().stream().mapToInt(n -> n - 1).sum();
            System.out.printf("outbox crash (%s): %d requests sent, %d answered 200, %d committed, %d events found after restart, %d missing, %d duplicates%n",
                    fault, sent, accepted.size(), committed.size(), deliveries.size(), missing.size(), duplicates);
            assertFalse(committed.isEmpty(), "at least one invoice was committed before the halt");
            assertTrue(missing.isEmpty(), "every invoice answered 200 has its event on Kafka; missing: " + missing);
            if (fault.equals("halt-after-publish")) {
                assertTrue(duplicates >= 1, "the batch acknowledged before the halt is published again after the restart");
            }
        }
    }

    static List<String> committedInvoices(String phone) throws java.sql.SQLException {
        try (var db = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/invoice_service_test",
                "invoice_service", "invoice_service");
             var query = db.prepareStatement("select id from invoice where consumer_phone = ?")) {
            query.setString(1, phone);
            List<String> ids = new ArrayList<>();
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    static Map<String, Object> invoice(String phone) {
        String number = "CRASH-" + UUID.randomUUID().toString().substring(0, 8);
        return Map.of("InvoiceIssuer", "11111111-1111-4111-8111-000000000001",
                "ConsumerAlias", Map.of("Alias", phone, "AliasType", "Phone"),
                "TotalAmount", 99.5, "InvoiceNumber", number, "PaymentReference", "REF-" + number,
                "DueDate", LocalDate.now(ZoneId.of("Europe/Copenhagen")).plusDays(10).toString(),
                "InvoiceArticles", List.of(Map.of("ArticleDescription", "Crash test")));
    }

    static KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:9092");
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor("test-invoice-events").stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start before anything is created
        return consumer;
    }

    static Process start(String fault) throws Exception {
        return ServiceInstance.start("invoice-service (" + fault + ")", APP, PORT, List.of(
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/invoice_service_test",
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/invoice_service_test",
                "-Dinvoicepay.topic-prefix=test-",
                "-Dinvoicepay.outbox.fault=" + fault,
                "-Dinvoice.jobs.interval=1h"), new File("target/outbox-crash-" + fault + ".log"));
    }

    static void stop(Process process) throws InterruptedException {
        ServiceInstance.stop(process);
    }
}
