package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.LocalStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults that need services of the test's own, on a private broker and database (PrivateKafka, PrivatePostgres), so
 * the stack's consumer groups, clocks and data are never touched: invoice-service on 8085, callback-service on 8088
 * and 8092, report-service on 8089 and 8093 (DESIGN.md: second replicas on 8091–8094), each pair in the same
 * consumer group and database. Started once for both tests, in their order:
 * <ol>
 * <li>a merchant's callback receiver down for hours of moved clock, then up: everything delivered, once, in order;</li>
 * <li>the replicas split invoice-events' partitions; every callback item reaches the receiver exactly once and
 * every payment is transferred exactly once; after {@code kill -9} of both second replicas the first ones take
 * their partitions and the work goes on, still exactly once.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrivateStackFaultsTest {
    static final int KAFKA_PORT = 19094;
    static final int PG_PORT = 25435; // below the ephemeral range (32768-60999): no client socket can hold it
    static final Path APPS = Path.of("..", "deploy", "local", ".run", "apps");
    static final String INVOICES = "http://127.0.0.1:8085";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    static final Map<UUID, String> INSTANT_ISSUER = Map.of(MERCHANT_1.merchantId(), "11111111-1111-4111-8111-000000000001",
            MERCHANT_2.merchantId(), "11111111-1111-4111-8111-000000000003");

    PrivateKafka kafka;
    PrivatePostgres postgres;
    final List<Process> instances = new ArrayList<>();
    Process callbackB;
    Process reportB;
    CallbackReceiver receiver;

    @BeforeAll
    void startThePrivateStack() throws Exception {
        kafka = PrivateKafka.create(KAFKA_PORT);
        postgres = PrivatePostgres.create(PG_PORT);
        for (String service : List.of("invoice", "callback", "report")) {
            postgres.createDatabase(service + "_service", service + "_service", service + "_service");
        }
        ExecutorService starter = Executors.newFixedThreadPool(3);
        Future<Process> invoice = starter.submit(() -> start("invoice-service", 8085));
        Future<Process> callbackA = starter.submit(() -> start("callback-service", 8088));
        Future<Process> reportA = starter.submit(() -> start("report-service", 8089));
        instances.addAll(List.of(invoice.get(), callbackA.get(), reportA.get()));
        // the second replicas join groups that already consume: a real scale-out
        Future<Process> secondCallback = starter.submit(() -> start("callback-service", 8092));
        Future<Process> secondReport = starter.submit(() -> start("report-service", 8093));
        callbackB = secondCallback.get();
        reportB = secondReport.get();
        instances.addAll(List.of(callbackB, reportB));
        starter.shutdown();

        receiver = new CallbackReceiver();
        for (LocalStack.User merchant : List.of(MERCHANT_1, MERCHANT_2)) {
            register(merchant, receiver.url("/" + merchant.username()), 8088);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (receiver != null) {
            receiver.close();
        }
        for (Process instance : instances) {
            ServiceInstance.stop(instance);
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    @Order(1)
    void aReceiverDownForHoursOfMovedClockGetsEverythingOnceAndInOrder() throws Exception {
        String path = "/" + MERCHANT_2.username();
        String payer = payer("+35899", MERCHANT_2);
        receiver.answer(path, 503);
        List<String> invoices = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            invoices.add(createAndPay(MERCHANT_2, payer));
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> !receiver.to(path).isEmpty());
        // six hours of clock with the receiver down: each step runs the delivery job, the retries due by then fail
        for (int hour = 1; hour <= 6; hour++) {
            moveCallbackClocks(Duration.ofHours(hour));
            if (hour == 3) {
                for (int i = 0; i < 2; i++) {
                    invoices.add(createAndPay(MERCHANT_2, payer));
                }
            }
        }
        int failedAttempts = receiver.to(path).size();
        assertTrue(receiver.to(path).stream().allMatch(r -> r.answered() == 503), "nothing was delivered while the receiver was down");
        receiver.answer(path, 200);
        int hours = 6;
        while (itemsDelivered(receiver, invoices) < invoices.size() * 3L && hours < 36) {
            moveCallbackClocks(Duration.ofHours(++hours));
        }
        moveCallbackClocks(Duration.ZERO);

        List<CallbackReceiver.Request> delivered = receiver.to(path).stream().filter(r -> r.answered() == 200).toList();
        Map<String, Long> copies = delivered.stream().flatMap(r -> items(r.body()).stream())
                .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        System.out.printf("receiver down: %d invoices, %d failed attempts over 6 h of clock, delivered after %d h of clock in %d request(s), "
                + "%d items, %d twice%n", invoices.size(), failedAttempts, hours, delivered.size(), copies.size(),
                copies.values().stream().filter(n -> n > 1).count());
        assertTrue(failedAttempts >= 4, "the retries of the schedule were attempted and failed: " + failedAttempts);
        assertEquals(invoices.size() * 3, copies.size(), "Created, Accepted and Paid of every invoice were delivered");
        assertTrue(copies.values().stream().allMatch(n -> n == 1), "each item once: " + copies);
        Map<String, Long> lastSequence = new HashMap<>();
        for (CallbackReceiver.Request request : delivered) {
            JsonNode items = JSON.readTree(request.body());
            for (int i = 1; i < items.size(); i++) {
                assertTrue(order(items.get(i - 1)).compareTo(order(items.get(i))) <= 0, "sorted by date, then sequence: " + request.body());
            }
            for (JsonNode item : items) {
                Long before = lastSequence.put(item.path("invoiceId").asText(), item.path("sequence").asLong());
                assertTrue(before == null || before < item.path("sequence").asLong(), "an invoice's statuses in their order: " + request.body());
            }
        }
    }

    /** The delivery order of an item: its status date, then its sequence. */
    static String order(JsonNode item) {
        return java.time.OffsetDateTime.parse(item.path("date").asText()).toInstant() + String.format("#%09d", item.path("sequence").asLong());
    }

    /** Sets the clock of every running callback-service replica and runs their delivery jobs at that time. */
    void moveCallbackClocks(Duration offset) throws Exception {
        String admin = Tokens.of(LocalStack.OPS_ADMIN, "openid");
        for (int port : callbackB.isAlive() ? List.of(8088, 8092) : List.of(8088)) {
            HttpResponse<String> moved = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sandbox/clock"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"offset\":\"" + offset + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, moved.statusCode(), moved.body());
        }
        for (int port : callbackB.isAlive() ? List.of(8088, 8092) : List.of(8088)) {
            HttpResponse<String> run = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sandbox/callback-jobs/run"))
                    .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, run.statusCode(), run.body());
        }
    }

    @Test
    @Order(2)
    void replicasSplitTheWorkNeverDoItTwiceAndTakeOverFromAKilledOne() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrap()))) {
            // payers of their own: the daily limit is 10 invoices per payer and merchant
            Map<UUID, String> payers = Map.of(MERCHANT_1.merchantId(), payer("+4519", MERCHANT_1),
                    MERCHANT_2.merchantId(), payer("+35899", MERCHANT_2));
            List<String> paid = new ArrayList<>();
            // the groups settle on two members each, each with its share of invoice-events' 6 partitions
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> split(admin, "callback-service") && split(admin, "report-service"));
            System.out.printf("scale-out: callback-service group %s, report-service group %s%n",
                    shares(admin, "callback-service"), shares(admin, "report-service"));
            for (int i = 0; i < 4; i++) {
                for (LocalStack.User merchant : List.of(MERCHANT_1, MERCHANT_2)) {
                    paid.add(createAndPay(merchant, payers.get(merchant.merchantId())));
                }
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> itemsDelivered(receiver, paid) == paid.size() * 3);

            ServiceInstance.killMinus9(callbackB);
            ServiceInstance.killMinus9(reportB);
            long killed = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                for (LocalStack.User merchant : List.of(MERCHANT_1, MERCHANT_2)) {
                    paid.add(createAndPay(merchant, payers.get(merchant.merchantId())));
                }
            }
            // the killed members leave when their session times out; then the first replicas own all partitions
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> itemsDelivered(receiver, paid) == paid.size() * 3 && transfers(paid) == paid.size());
            long tookOver = System.nanoTime() - killed;
            Thread.sleep(6000); // one more flush interval: a second copy of anything would arrive now

            Map<String, Long> copies = receiver.requests.stream().filter(r -> r.answered() == 200).flatMap(r -> items(r.body()).stream())
                    .filter(k -> paid.contains(k.substring(0, k.indexOf('#')))).collect(Collectors.groupingBy(k -> k, Collectors.counting()));
            long duplicates = copies.values().stream().filter(n -> n > 1).count();
            int transfers = transfers(paid);
            System.out.printf("scale-out: %d invoices paid, %d callback requests, %d items delivered, %d items twice, %d transfers "
                            + "for %d payments; after kill -9 of the second replicas all delivered and transferred within %d s; groups now %s / %s%n",
                    paid.size(), receiver.requests.size(), copies.size(), duplicates, transfers, paid.size(), tookOver / 1_000_000_000,
                    shares(admin, "callback-service"), shares(admin, "report-service"));
            assertEquals(paid.size() * 3, copies.size(), "Created, Accepted and Paid of every invoice reached the receiver");
            assertEquals(0, duplicates, "no item was delivered twice (by both replicas, or again after the takeover)");
            assertEquals(paid.size(), transfers, "one Instant transfer per payment, never two");
            assertEquals(paid.size(), payments(paid), "one ledger Payment per paid invoice");
        }
    }

    static Process start(String service, int port) throws Exception {
        String db = service.replace("-", "_");
        return ServiceInstance.start(service + " on " + port, APPS.resolve(service).resolve("quarkus-run.jar"), port, List.of(
                "-Dkafka.bootstrap.servers=127.0.0.1:" + KAFKA_PORT,
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:" + PG_PORT + "/" + db,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:" + PG_PORT + "/" + db,
                "-Dinvoice.jobs.interval=1h"), new File("target/scale-out-" + service + "-" + port + ".log"));
    }

    static boolean split(Admin admin, String group) throws Exception {
        List<Integer> shares = shares(admin, group);
        return shares.size() == 2 && shares.stream().allMatch(n -> n > 0) && shares.stream().mapToInt(Integer::intValue).sum() == 6;
    }

    /** Partitions of invoice-events per member of the group that consumes it (each service's other channels share the group id). */
    static List<Integer> shares(Admin admin, String group) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        return description.members().stream().filter(m -> m.clientId().contains("invoice-events"))
                .map(PrivateStackFaultsTest::invoiceEventPartitions).toList();
    }

    static int invoiceEventPartitions(MemberDescription member) {
        return (int) member.assignment().topicPartitions().stream().filter(p -> p.topic().equals("invoice-events")).count();
    }

    /** (invoiceId, sequence) of every item in a delivered callback body. */
    static List<String> items(String body) {
        List<String> keys = new ArrayList<>();
        try {
            for (JsonNode item : JSON.readTree(body)) {
                keys.add(item.path("invoiceId").asText() + "#" + item.path("sequence").asText());
            }
        } catch (Exception notAnArray) {
            throw new AssertionError("a callback body is a JSON array: " + body, notAnArray);
        }
        return keys;
    }

    static long itemsDelivered(CallbackReceiver receiver, List<String> invoices) {
        return receiver.requests.stream().filter(r -> r.answered() == 200).flatMap(r -> items(r.body()).stream())
                .filter(k -> invoices.contains(k.substring(0, k.indexOf('#')))).distinct().count();
    }

    static int transfers(List<String> invoices) throws Exception {
        return count("select count(distinct ti.transfer_id) from transfer_item ti join ledger_entry e on e.id = ti.entry_id "
                + "where e.type = 'Payment' and e.invoice_id = any(?)", invoices);
    }

    static int payments(List<String> invoices) throws Exception {
        return count("select count(*) from ledger_entry where type = 'Payment' and invoice_id = any(?)", invoices);
    }

    static int count(String sql, List<String> invoices) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PG_PORT + "/report_service", "report_service", "report_service");
             var query = db.prepareStatement(sql)) {
            Array ids = db.createArrayOf("uuid", invoices.stream().map(UUID::fromString).toArray());
            query.setArray(1, ids);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    static void register(LocalStack.User merchant, String url, int port) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/merchants/" + merchant.merchantId() + "/auth/basic"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("username", "scale", "password", "scale-out-password", "callbackUrl", url))));
        HttpResponse<String> response = HTTP.send(Tokens.gateway(request, merchant, "openid invoice").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, response.statusCode(), response.body());
    }

    /** A sandbox payer of the merchant's country (a Danish or a Finnish number nobody else uses); its payer id. */
    static String payer(String prefix, LocalStack.User merchant) throws Exception {
        String phone = prefix + String.format("%06d", (long) (Math.random() * 1_000_000));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(INVOICES + "/api/v1/admin/sandbox-consumers"))
                .header("Authorization", "Bearer " + Tokens.of(LocalStack.OPS_ADMIN, "openid")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("phoneNumber", phone, "name", "Scale Out Payer",
                        "cards", List.of(Map.of("alwaysFails", false)))))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return phone + " " + JSON.readTree(response.body()).path("payerId").asText();
    }

    /** An InvoiceDirect to the payer on the merchant's Instant issuer, accepted for today: Paid at once. */
    static String createAndPay(LocalStack.User merchant, String payer) throws Exception {
        String[] phoneAndId = payer.split(" ");
        String number = "SCALE-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> invoice = Map.of("InvoiceIssuer", INSTANT_ISSUER.get(merchant.merchantId()),
                "ConsumerAlias", Map.of("Alias", phoneAndId[0], "AliasType", "Phone"),
                "TotalAmount", 42.5, "InvoiceNumber", number, "PaymentReference", "REF-" + number,
                "DueDate", LocalDate.now(ZoneId.of("Europe/Helsinki")).plusDays(10).toString(),
                "InvoiceArticles", List.of(Map.of("ArticleDescription", "Scale-out test")));
        HttpRequest.Builder create = HttpRequest.newBuilder(URI.create(INVOICES + "/api/v1/merchants/" + merchant.merchantId() + "/invoices"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(invoice)));
        HttpResponse<String> created = HTTP.send(Tokens.gateway(create, merchant, "openid invoice").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        String id = JSON.readTree(created.body()).path("invoiceId").asText();
        HttpRequest.Builder accept = HttpRequest.newBuilder(URI.create(INVOICES + "/api/v1/consumers/me/invoices/" + id + "/accept"))
                .header("Content-Type", "application/json").header("AuthenticatedUser", phoneAndId[1])
                .PUT(HttpRequest.BodyPublishers.ofString("{}"));
        HttpResponse<String> accepted = HTTP.send(Tokens.gateway(accept, merchant, "openid invoice-usersimulation").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertEquals("Paid", JSON.readTree(accepted.body()).path("invoicePaymentStatus").asText(), accepted.body());
        return id;
    }
}
