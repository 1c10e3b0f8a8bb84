package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #7: after the suite (this class runs last but for the fuzz test, which must end the JVM's run; junit-platform.properties
 * orders classes by @Order), the running
 * stack's logs ({@code deploy/local/.run/logs/*.log}) hold no secret in clear: no client secret or user password of
 * the realm, no callback password or API key a merchant registered, no bearer token or Basic credentials, and no
 * payer's phone number or the sandbox payers' names. To be sure the callback path is covered, it registers Basic and
 * API-key credentials of its own for a throwaway merchant (a Keycloak user made for it, deleted afterwards) and sends a
 * test callback, whose delivery with those credentials to an address where nothing listens fails.
 */
@Order(Integer.MAX_VALUE - 1)
class LogScanTest {
    static final Path LOGS = Path.of("..", "deploy", "local", ".run", "logs");
    static final Path REALM = Path.of("..", "deploy", "keycloak", "payments-realm.json");
    static final Path SEED = Path.of("..", "invoice-service", "src", "main", "resources", "sandbox", "seed.sql");
    static final String ADMIN_USERS = LocalStack.KEYCLOAK + "/admin/realms/" + LocalStack.REALM + "/users";
    static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.");
    static final Pattern AUTHORIZATION = Pattern.compile("(?i)\\b(Bearer|Basic)\\s+[A-Za-z0-9+/=._-]{12,}");
    static final Pattern PHONE = Pattern.compile("\\+(45|358)\\d{6,10}");
    static final Pattern SEED_NAME = Pattern.compile("'(\\+\\d+)', '([^']+)'");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theStacksLogsHoldNoSecretTokenOrPayerInClear() throws Exception {
        Map<String, String> secrets = new LinkedHashMap<>();
        JsonNode realm = JSON.readTree(REALM.toFile());
        realm.path("clients").forEach(c -> put(secrets, "client secret of " + c.path("clientId").asText(), c.path("secret").asText()));
        realm.path("users").forEach(u -> u.path("credentials").forEach(
                c -> put(secrets, "password of " + u.path("username").asText(), c.path("value").asText())));
        Matcher payers = SEED_NAME.matcher(Files.readString(SEED));
        while (payers.find()) {
            put(secrets, "a sandbox payer's name", payers.group(2));
        }
        registerCallbackCredentials(secrets);
        assertTrue(secrets.size() >= 10, "the realm's secrets, the seed's payers and this test's credentials: " + secrets.keySet());

        List<String> leaks = new ArrayList<>();
        long lines = 0;
        List<Path> files;
        try (Stream<Path> list = Files.list(LOGS)) {
            files = list.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "the stack's logs are in " + LOGS.toAbsolutePath());
        for (Path file : files) {
            int number = 0;
            for (String line : lines(file)) {
                number++;
                lines++;
                String where = file.getFileName() + ":" + number + ": ";
                secrets.forEach((what, secret) -> {
                    if (line.contains(secret)) {
                        leaks.add(where + what);
                    }
                });
                if (JWT.matcher(line).find()) {
                    leaks.add(where + "a JWT (bearer token)");
                }
                if (AUTHORIZATION.matcher(line).find()) {
                    leaks.add(where + "Bearer or Basic credentials");
                }
                if (PHONE.matcher(line).find()) {
                    leaks.add(where + "a payer's phone number");
                }
            }
        }
        // the leak is named by what and where, never quoted: a failing build must not spread the secret further
        System.out.printf("log scan: %d files, %d lines, %d secrets and 3 patterns, %d leaks%n", files.size(), lines, secrets.size(), leaks.size());
        assertTrue(leaks.isEmpty(), leaks.size() + " secrets in clear in the stack's logs:\n" + String.join("\n",
                leaks.subList(0, Math.min(50, leaks.size()))));
    }

    /** A throwaway merchant's Basic and API-key callback credentials, and a test callback that fails to be delivered. */
    static void registerCallbackCredentials(Map<String, String> secrets) throws Exception {
        String admin = adminToken();
        LocalStack.User merchant = new LocalStack.User("log-scan-" + UUID.randomUUID().toString().substring(0, 8),
                "log-scan-password-" + UUID.randomUUID(), UUID.randomUUID());
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(ADMIN_USERS)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
                        "username", merchant.username(), "enabled", true, "email", merchant.username() + "@example.com",
                        "firstName", "Log", "lastName", "Scan", "attributes", Map.of("merchant_id", List.of(merchant.merchantId().toString())),
                        "credentials", List.of(Map.of("type", "password", "value", merchant.password(), "temporary", false)))))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        try {
            put(secrets, "the throwaway merchant's password", merchant.password());
            String basicPassword = "log-scan-basic-" + UUID.randomUUID();
            String apiKey = "log-scan-key-" + UUID.randomUUID();
            put(secrets, "a registered callback password", basicPassword);
            put(secrets, "a registered callback API key", apiKey);
            String token = Keycloak.userToken(INTEGRATOR_APP, merchant, "openid invoice");
            String base = "http://127.0.0.1:8082/api/v1/merchants/" + merchant.merchantId();
            assertEquals(204, callbacks(base + "/auth/apikey", token, Map.of("apiKey", apiKey, "callbackUrl", "http://127.0.0.1:9/log-scan")));
            assertEquals(204, callbacks(base + "/auth/basic", token, Map.of("username", "log-scan", "password", basicPassword,
                    "callbackUrl", "http://127.0.0.1:9/log-scan")));
            // sent at once with the Basic credentials; nothing listens on port 9, so it fails (409)
            assertEquals(409, callbacks(base + "/callbacks/test", token, Map.of("status", "Paid")));
        } finally {
            HTTP.send(HttpRequest.newBuilder(URI.create(location)).header("Authorization", "Bearer " + admin).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    static int callbacks(String url, String token, Map<String, String> body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("x-ibm-client-id", INTEGRATOR_APP.clientId()).header("x-ibm-client-secret", INTEGRATOR_APP.secret())
                .header("Content-Type", "application/json").method(url.endsWith("/test") ? "POST" : "PUT",
                        HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static void put(Map<String, String> secrets, String what, String secret) {
        if (secret != null && secret.length() >= 6) {
            secrets.putIfAbsent(what + " #" + secrets.size(), secret);
        }
    }

    /** A log's lines; a service's log may hold bytes that are not UTF-8 (a payload it quoted), read as ISO-8859-1 then. */
    static List<String> lines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException notUtf8) {
            return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        }
    }

    /** Keycloak's master-realm administrator, who may add and remove users of the payments realm. */
    static String adminToken() throws Exception {
        String form = "grant_type=password&client_id=admin-cli&username=" + URLEncoder.encode(LocalStack.KEYCLOAK_ADMIN, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(LocalStack.KEYCLOAK_ADMIN_PASSWORD, StandardCharsets.UTF_8);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(LocalStack.KEYCLOAK + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "Keycloak's administrator signs in");
        return JSON.readTree(response.body()).path("access_token").asText();
    }
}
