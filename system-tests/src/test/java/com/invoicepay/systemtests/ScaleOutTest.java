package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.LocalStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterEach;
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
 * Two replicas each of callback-service and report-service, in the same consumer groups and on the same
 * databases, the second ones on 8092 and 8093 (DESIGN.md: second replicas on 8091–8094). The whole set runs on a
 * private broker and database (PrivateKafka, PrivatePostgres), so the stack's groups and data are not touched:
 * invoice-service on 8085, the first replicas on 8088 and 8089. The groups split invoice-events' partitions; every
 * callback item reaches the merchant's receiver exactly once and every payment is transferred exactly once; after
 * {@code kill -9} of both second replicas the first ones take their partitions and the work goes on, still exactly once.
 */
class ScaleOutTest {
    static final int KAFKA_PORT = 19094;
    static final int PG_PORT = 55435;
    static final Path APPS = Path.of("..", "deploy", "local", ".run", "apps");
    static final String INVOICES = "http://127.0.0.1:8085";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    static final Map<UUID, String> INSTANT_ISSUER = Map.of(MERCHANT_1.merchantId(), "11111111-1111-4111-8111-000000000001",
            MERCHANT_2.merchantId(), "11111111-1111-4111-8111-000000000003");

    PrivateKafka kafka;
    PrivatePostgres postgres;
    final List<Process> instances = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
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
    void replicasSplitTheWorkNeverDoItTwiceAndTakeOverFromAKilledOne() throws Exception {
        kafka = PrivateKafka.create(KAFKA_PORT);
        postgres = PrivatePostgres.create(PG_PORT);
        for (String service : List.of("invoice", "callback", "report")) {
            postgres.createDatabase(service + "_service", service + "_service", service + "_service");
        }
        ExecutorService starter = Executors.newFixedThreadPool(5);
        Future<Process> invoice = starter.submit(() -> start("invoice-service", 8085));
        Future<Process> callbackA = starter.submit(() -> start("callback-service", 8088));
        Future<Process> reportA = starter.submit(() -> start("report-service", 8089));
        instances.addAll(List.of(invoice.get(), callbackA.get(), reportA.get()));
        // the second replicas join groups that already consume: a real scale-out
        Future<Process> callbackB = starter.submit(() -> start("callback-service", 8092));
        Future<Process> reportB = starter.submit(() -> start("report-service", 8093));
        instances.addAll(List.of(callbackB.get(), reportB.get()));
        starter.shutdown();

        try (CallbackReceiver receiver = new CallbackReceiver(); Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrap()))) {
            Map<UUID, String> payers = new HashMap<>();
            for (LocalStack.User merchant : List.of(MERCHANT_1, MERCHANT_2)) {
                register(merchant, receiver.url("/" + merchant.username()), 8088);
                payers.put(merchant.merchantId(), payer(merchant == MERCHANT_1 ? "+4519" : "+35899", merchant));
            }
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

            ServiceInstance.killMinus9(callbackB.get());
            ServiceInstance.killMinus9(reportB.get());
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

            Map<String, Long> copies = receiver.requests.stream().filter(r -> r.answered() == 200)
                    .flatMap(r -> items(r.body()).stream()).collect(Collectors.groupingBy(k -> k, Collectors.counting()));
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
                .map(ScaleOutTest::invoiceEventPartitions).toList();
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
