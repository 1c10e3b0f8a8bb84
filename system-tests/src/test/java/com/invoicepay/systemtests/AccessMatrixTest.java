package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP_2;
import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP_PROD;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #7's access matrix: every operation the four running services publish in their OpenAPI documents, asked by
 * every kind of caller that must not get in (files under {@code src/test/resources/access/}). Each answer must be the
 * expected status with that API's error body and code, and no answer may carry merchant-1's data (its merchant id,
 * issuers, invoice, consent, callback batch, transfer, reconciliation run) unless the request itself named it.
 */
class AccessMatrixTest {
    static final String DIR = "/access/";
    static final int[] PORTS = {8081, 8082, 8083, 8084};
    static final List<String> CASES = List.of("no-token", "expired", "other-merchant", "other-client-id", "wrong-secret",
            "missing-scope", "non-admin", "production");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");
    static final AtomicInteger SENT = new AtomicInteger();

    record Operation(int port, String method, String path, String kind, String otherMerchant, String bodyType, String body) {
    }

    /** One cell: an operation asked by one kind of caller, and what it must answer ("401 90001", "200", "404 *"). */
    record Cell(Operation operation, String caller, String expected) {
        @Override
        public String toString() {
            return operation.port() + " " + operation.method() + " " + operation.path() + " <- " + caller;
        }
    }

    /** Merchant-1's own resources, made or found once: the ids the matrix puts in paths and must never see leak. */
    static final class MerchantOne {
        static final Map<String, String> IDS = find();

        static String newPayer() {
            String phone = "+457" + String.format("%07d", (long) (Math.random() * 10_000_000));
            String admin = Keycloak.userToken(INTEGRATOR_APP, LocalStack.OPS_ADMIN, "openid");
            HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8081/api/v1/admin/sandbox-consumers"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"phoneNumber\": \"" + phone + "\", \"name\": \"Access Matrix Payer\", "
                            + "\"cards\": [{\"alwaysFails\": false}]}")));
            assertEquals(201, created.statusCode(), created.body());
            return phone;
        }

        static Map<String, String> find() {
            Map<String, String> ids = new LinkedHashMap<>();
            ids.put("merchantId", MERCHANT_1.merchantId().toString());
            ids.put("issuerId", "11111111-1111-4111-8111-000000000001");
            ids.put("paymentPointId", "11111111-1111-4111-8111-000000000001");
            String invoiceNumber = "ACCESS-" + UUID.randomUUID().toString().substring(0, 8);
            ObjectNode invoice = (ObjectNode) BadInputCorpusTest.read("bases.json").get("invoice.create").deepCopy();
            invoice.put("InvoiceNumber", invoiceNumber).put("DueDate", LocalDate.now(ZoneId.of("Europe/Copenhagen")).plusDays(10).toString());
            // a payer of its own: the seeded one reaches its 10 invoices a day from merchant-1 (10314) after ten runs
            // on one stack, whose database outlives the runs
            ((ObjectNode) invoice.get("ConsumerAlias")).put("Alias", newPayer());
            String invoiceId = json(send(invoiceApi("POST", 8081, "/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices",
                    "openid invoice", invoice.toString(), "application/json")), 200).path("invoiceId").asText();
            ids.put("invoiceId", invoiceId);
            ids.put("id", invoiceId);
            ids.put("invoiceNumber", invoiceNumber);
            ids.put("consentId", json(send(invoiceApi("POST", 8081, "/api/v1/directinvoiceconsents", "openid invoice",
                    "{\"InvoiceId\":\"" + invoiceId + "\"}", "application/json")), 200).path("consentId").asText());
            ids.put("batchId", first(send(invoiceApi("GET", 8082, "/api/v1/merchants/" + MERCHANT_1.merchantId() + "/callbacks/batches",
                    "openid invoice", null, null)), "batches", "batchId"));
            ids.put("transferid", first(send(invoiceApi("GET", 8083, "/v3/reporting/transfers?pagesize=1", "openid transactionreporting",
                    null, null)), "transfers", "id"));
            HttpResponse<String> run = send(invoiceApi("POST", 8083, "/api/v1/reconciliations", "openid transactionreporting",
                    "booking_date,amount,currency,reference,text\n", "text/csv"));
            assertEquals(202, run.statusCode(), run.body());
            String location = run.headers().firstValue("Location").orElseThrow();
            ids.put("runId", location.substring(location.lastIndexOf('/') + 1));
            ids.values().forEach(v -> assertFalse(v.isBlank(), "merchant-1's resources: " + ids));
            return ids;
        }

        /** The first item's id of a list of merchant-1's, or an id of nowhere when the list is empty (a fresh stack). */
        static String first(HttpResponse<String> list, String field, String id) {
            JsonNode items = json(list, 200).path(field);
            return items.isEmpty() ? UUID.randomUUID().toString() : items.get(0).path(id).asText();
        }
    }

    static Stream<Cell> matrix() {
        Map<String, String[]> cases = new LinkedHashMap<>();
        BadInputCorpusTest.rows(DIR, "cases.tsv").forEach(r -> cases.put(r[0], r));
        List<Cell> cells = new ArrayList<>();
        for (Operation operation : operations()) {
            String[] expectations = cases.get(operation.kind());
            assertNotNull(expectations, "cases.tsv has the kind " + operation.kind());
            for (int i = 0; i < CASES.size(); i++) {
                String expected = expectations[i + 1].equals("row") ? operation.otherMerchant() : expectations[i + 1];
                if (!expected.equals("-")) {
                    cells.add(new Cell(operation, CASES.get(i), expected));
                }
            }
        }
        System.out.printf("access matrix: %d operations x %d callers, %d cells asked%n", operations().size(), CASES.size(), cells.size());
        return cells.stream();
    }

    /** Every operation of the services' OpenAPI documents, with its kind from operations.tsv. */
    static List<Operation> operations() {
        List<String[]> rules = BadInputCorpusTest.rows(DIR, "operations.tsv");
        List<Operation> operations = new ArrayList<>();
        for (int port : PORTS) {
            JsonNode paths = json(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/openapi?format=json")).GET()), 200)
                    .path("paths");
            for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> path = it.next();
                for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    String method = op.getKey().toUpperCase();
                    if (!List.of("GET", "PUT", "POST", "DELETE", "PATCH").contains(method)) {
                        continue;
                    }
                    String[] rule = rules.stream().filter(r -> Integer.parseInt(r[0]) == port && (r[1].equals("*") || r[1].equals(method))
                            && path.getKey().matches(r[2])).findFirst()
                            .orElseThrow(() -> new AssertionError("operations.tsv gives no kind to " + port + " " + method + " " + path.getKey()));
                    Iterator<String> types = op.getValue().path("requestBody").path("content").fieldNames();
                    String type = types.hasNext() ? types.next() : null;
                    String body = rule.length > 5 ? rule[5] : type == null ? null : type.contains("json") ? "{}" : "";
                    operations.add(new Operation(port, method, path.getKey(), rule[3], rule[4], type, body));
                }
            }
        }
        return operations;
    }

    @AfterAll
    static void count() {
        System.out.printf("access matrix: %d requests sent (429 retries included)%n", SENT.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void isRefusedAndLeaksNothing(Cell cell) throws Exception {
        Operation op = cell.operation();
        String path = fill(op.path(), cell.caller());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + op.port() + path));
        String body = op.body() == null ? null : op.body().replace("${invoiceId}", MerchantOne.IDS.get("invoiceId"));
        if (op.bodyType() != null) {
            request.header("Content-Type", op.bodyType());
        }
        request.method(op.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        authenticate(request, op, cell.caller());
        HttpResponse<String> response = send(request);
        String where = cell + ": HTTP " + response.statusCode() + " " + BadInputCorpusTest.abbreviate(response.body());

        String[] expected = cell.expected().split(" ");
        assertEquals(Integer.parseInt(expected[0]), response.statusCode(), where);
        if (response.statusCode() >= 400) {
            assertEquals(expected[1].equals("*") ? errorCode(op, response) : expected[1], errorCode(op, response), "the error code, " + where);
        }
        for (Map.Entry<String, String> id : MerchantOne.IDS.entrySet()) {
            if (!path.contains(id.getValue()) && (body == null || !body.contains(id.getValue()))) {
                assertFalse(response.body().contains(id.getValue()), "merchant-1's " + id.getKey() + " leaks: " + where);
            }
        }
        assertFalse(response.body().contains("Merchant One"), "merchant-1's issuer names leak: " + where);
        if (cell.caller().equals("other-merchant") && op.port() == 8084) {
            assertFalse(response.body().contains("\"integrator-1\""), "integrator-1's data leaks to integrator-2: " + where);
        }
    }

    /** The documented error body of the operation's API, JSON and complete; returns its code. */
    static String errorCode(Operation op, HttpResponse<String> response) throws Exception {
        String where = op.method() + " " + op.path() + ": " + BadInputCorpusTest.abbreviate(response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), "JSON, " + where);
        JsonNode error = JSON.readTree(response.body());
        if (op.port() == 8083) {
            assertFalse(error.path("message").asText().isBlank(), "reporting.yaml Error: message, " + where);
            assertFalse(error.path("correlationId").asText().isBlank(), "reporting.yaml Error: correlationId, " + where);
            return error.path("code").asText();
        }
        assertEquals("InputError", error.path("error").asText(), "the caller's mistake is an InputError, " + where);
        assertFalse(error.path("error_description").asText().isBlank(), "error_description, " + where);
        assertFalse(error.path("correlation_id").asText().isBlank(), "correlation_id, " + where);
        return error.path("error_code").asText();
    }

    /** Path parameters: merchant-1's own resources where it has them, else ids that exist nowhere. */
    static String fill(String template, String caller) {
        Matcher parameter = PARAMETER.matcher(template);
        StringBuilder path = new StringBuilder();
        while (parameter.find()) {
            String name = parameter.group(1);
            String value = switch (name) {
                case "runId" -> template.startsWith("/api/v1/reconciliations") ? MerchantOne.IDS.get(name) : UUID.randomUUID().toString();
                case "caseId" -> "onboarding-merchant-read";
                case "api" -> "invoice";
                case "clientId" -> "no-such-client";
                case "integratorId" -> "integrator-1";
                default -> MerchantOne.IDS.getOrDefault(name, UUID.randomUUID().toString());
            };
            parameter.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        parameter.appendTail(path);
        return path.toString();
    }

    static void authenticate(HttpRequest.Builder request, Operation op, String caller) {
        String scope = switch (op.kind()) {
            case "reporting" -> "openid transactionreporting";
            case "usersim" -> "openid invoice-usersimulation";
            default -> "openid invoice";
        };
        if (op.port() == 8081) {
            // the payer the user simulation (and a consent's revocation) acts for: the one merchant-1's invoice is sent to
            request.header("AuthenticatedUser", "22222222-2222-4222-8222-000000000001");
        }
        LocalStack.App app = INTEGRATOR_APP;
        String token = null;
        String secret = INTEGRATOR_APP.secret();
        switch (caller) {
            case "no-token" -> { }
            case "expired" -> token = Expired.TOKEN;
            case "other-merchant" -> {
                boolean certification = op.port() == 8084;
                app = certification ? INTEGRATOR_APP_2 : INTEGRATOR_APP;
                secret = app.secret();
                token = Tokens.of(app, MERCHANT_2, scope);
            }
            case "other-client-id" -> {
                token = Tokens.of(MERCHANT_1, scope);
                app = INTEGRATOR_APP_2;
                secret = app.secret();
            }
            case "wrong-secret" -> {
                token = Tokens.of(MERCHANT_1, scope);
                secret = "not-the-" + INTEGRATOR_APP.secret();
            }
            case "missing-scope" -> token = Tokens.of(MERCHANT_1, op.kind().equals("reporting") ? "openid invoice" : "openid transactionreporting");
            case "non-admin" -> token = Tokens.of(MERCHANT_1, scope);
            case "production" -> {
                app = INTEGRATOR_APP_PROD;
                secret = app.secret();
                token = Tokens.of(app, MERCHANT_1, scope);
            }
            default -> throw new IllegalArgumentException(caller);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        request.header("x-ibm-client-id", app.clientId()).header("x-ibm-client-secret", secret);
    }

    /**
     * A token as Keycloak makes them, but expired an hour ago and signed by a key the realm does not have (under the
     * realm key's kid): the gateway must refuse it as it refuses no token. Keycloak's tokens live 5 minutes; waiting
     * for a real one to expire would take longer than the whole matrix.
     */
    static final class Expired {
        static final String TOKEN = forge();

        static String forge() {
            try {
                String[] real = Tokens.of(MERCHANT_1, "openid invoice").split("\\.");
                Base64.Decoder decoder = Base64.getUrlDecoder();
                Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
                ObjectNode claims = (ObjectNode) JSON.readTree(decoder.decode(real[1]));
                long now = System.currentTimeMillis() / 1000;
                claims.put("iat", now - 3600).put("exp", now - 3300).put("jti", UUID.randomUUID().toString());
                String signed = real[0] + "." + encoder.encodeToString(JSON.writeValueAsBytes(claims));
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                Signature rs256 = Signature.getInstance("SHA256withRSA");
                rs256.initSign(generator.generateKeyPair().getPrivate());
                rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
                return signed + "." + encoder.encodeToString(rs256.sign());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void keycloakRefusesATokenForAWrongClientSecret() {
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Keycloak.userToken(new LocalStack.App(INTEGRATOR_APP.clientId(), "not-the-" + INTEGRATOR_APP.secret()), MERCHANT_1,
                        "openid invoice"));
        assertTrue(refused.getMessage().contains("HTTP 401") && refused.getMessage().contains("unauthorized_client"), refused.getMessage());
    }

    /**
     * A real token whose session was logged out before it was used: each gateway asks Keycloak about a client's
     * credentials it has not seen (a client made for this test), and Keycloak says the token is no longer active.
     */
    @Test
    void aTokenOfALoggedOutSessionIsRefused() throws Exception {
        Keycloak.Admin admin = new Keycloak.Admin();
        LocalStack.App app = new LocalStack.App("access-logout-" + UUID.randomUUID().toString().substring(0, 8), UUID.randomUUID().toString());
        String internalId = admin.copyClient(INTEGRATOR_APP.clientId(), app.clientId(), app.secret());
        try {
            JsonNode tokens = Keycloak.token(Map.of("grant_type", "password", "client_id", app.clientId(), "client_secret", app.secret(),
                    "username", MERCHANT_1.username(), "password", MERCHANT_1.password(), "scope", "openid invoice transactionreporting"));
            String form = "client_id=" + app.clientId() + "&client_secret=" + app.secret() + "&refresh_token=" + tokens.path("refresh_token").asText();
            HttpResponse<String> logout = HTTP.send(HttpRequest.newBuilder(URI.create(LocalStack.KEYCLOAK + "/realms/" + LocalStack.REALM
                            + "/protocol/openid-connect/logout")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, logout.statusCode(), "Keycloak ends the session: " + logout.body());
            for (String url : List.of("http://127.0.0.1:8081/api/v1/merchants/me",
                    "http://127.0.0.1:8082/api/v1/merchants/" + MERCHANT_1.merchantId() + "/auth/signing-secrets",
                    "http://127.0.0.1:8083/v3/reporting/paymentpoints")) {
                HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer "
                        + tokens.path("access_token").asText()).header("x-ibm-client-id", app.clientId()).header("x-ibm-client-secret", app.secret()));
                assertEquals(401, refused.statusCode(), url + ": " + refused.body());
                JsonNode error = JSON.readTree(refused.body());
                assertEquals("90001", error.has("code") ? error.path("code").asText() : error.path("error_code").asText(), refused.body());
            }
        } finally {
            admin.deleteClient(internalId);
        }
    }

    static HttpRequest.Builder invoiceApi(String method, int port, String path, String scope, String body, String type) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return Tokens.gateway(request, MERCHANT_1, scope);
    }

    /** Sends once more after a 429's Retry-After: the matrix asserts the answer to the caller, not to the pace. */
    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            for (int attempt = 0; ; attempt++) {
                SENT.incrementAndGet();
                HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 429 || attempt == 5) {
                    return response;
                }
                Thread.sleep(1000L * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
            }
        } catch (Exception e) {
            throw new AssertionError(request.build().uri() + ": " + e, e);
        }
    }

    static JsonNode json(HttpResponse<String> response, int expected) {
        assertEquals(expected, response.statusCode(), response.request().method() + " " + response.request().uri() + ": " + response.body());
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
