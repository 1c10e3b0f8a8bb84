package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.LocalStack;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The integrator's journey of issue #7 against the running stack, as a real client goes, first half: the merchant
 * (merchant-2, whose callbacks nothing else on the stack waits for) logs in through Keycloak's authorization-code
 * flow with PKCE over plain HTTP (form and cookies, as a browser), the client refreshes the token, reads
 * merchants/me and the issuers, registers its callback endpoint (a real receiver on 127.0.0.1), creates
 * InvoiceDirect and InvoiceLink singly and in batches, a payer pays, accepts for later and rejects through the
 * user simulation, and every status arrives by callback: Basic auth as registered, a valid Standard Webhooks
 * signature, each batch sorted by date then sequence; status and details are read back.
 * Not yet here: the night's daily transfers, reporting, reconciliation and certification of the second half.
 */
class JourneyTest {
    static final String KEYCLOAK = LocalStack.KEYCLOAK + "/realms/" + LocalStack.REALM + "/protocol/openid-connect";
    static final String REDIRECT = "http://127.0.0.1/journey/signed-in";
    /** The stack's services; another deployment's with -Djourney.invoice-service=… and -Djourney.callback-service=…. */
    static final String INVOICE_SERVICE = System.getProperty("journey.invoice-service", "http://127.0.0.1:8081");
    static final String CALLBACK_SERVICE = System.getProperty("journey.callback-service", "http://127.0.0.1:8082");
    static final String INVOICES = INVOICE_SERVICE + "/api/v1/merchants/" + MERCHANT_2.merchantId();
    static final String INSTANT_ISSUER = "11111111-1111-4111-8111-000000000003";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
    static final Pattern HIDDEN_CODE = Pattern.compile("name=\"code\"\\s+value=\"([^\"]+)\"");

    final HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    /** Keycloak's cookies are Secure; a browser sends them to 127.0.0.1 (a secure context), java.net's CookieManager would not. */
    final Map<String, String> cookies = new LinkedHashMap<>();
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String accessToken;

    @Test
    void anIntegratorsClientFromConsentToCallbacks() throws Exception {
        // 1. the merchant signs in and consents; the client gets its tokens for the code and its PKCE verifier
        JsonNode tokens = authorizationCodeFlow("openid invoice offline_access");
        accessToken = tokens.path("access_token").asText();
        String refreshToken = tokens.path("refresh_token").asText();
        assertFalse(refreshToken.isEmpty(), "offline_access gives a refresh token");
        JsonNode refreshed = tokenRequest(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", INTEGRATOR_APP.clientId(), "client_secret", INTEGRATOR_APP.secret()));
        assertNotEquals(accessToken, refreshed.path("access_token").asText(), "the refresh gave a new access token");
        accessToken = refreshed.path("access_token").asText();

        // 2. who am I, and which issuers may I use
        assertEquals(MERCHANT_2.merchantId().toString(), call("GET", INVOICE_SERVICE + "/api/v1/merchants/me", null, 200).path("merchantId").asText());
        Set<String> issuers = new HashSet<>();
        call("GET", INVOICES + "/invoiceissuers", null, 200).path("invoiceIssuers").forEach(i -> issuers.add(i.path("id").asText()));
        assertTrue(issuers.contains(INSTANT_ISSUER), "the seeded Instant issuer of merchant-2: " + issuers);

        try (CallbackReceiver receiver = new CallbackReceiver()) {
            // 3. the callback endpoint, and the secret its signatures are checked with
            String password = "journey-" + UUID.randomUUID();
            call("PUT", CALLBACK_SERVICE + "/api/v1/merchants/" + MERCHANT_2.merchantId() + "/auth/basic",
                    Map.of("username", "journey", "password", password, "callbackUrl", receiver.url("/journey")), 204);
            List<String> secrets = new ArrayList<>();
            call("GET", CALLBACK_SERVICE + "/api/v1/merchants/" + MERCHANT_2.merchantId() + "/auth/signing-secrets", null, 200)
                    .path("secrets").forEach(s -> secrets.add(s.path("secret").asText()));
            assertFalse(secrets.isEmpty(), "a signing secret to check the callbacks with");

            // 4. invoices, singly and in batches, and what the payers do with them
            String phone = "+35899" + String.format("%06d", (long) (Math.random() * 1_000_000));
            JsonNode payer = admin("/api/v1/admin/sandbox-consumers", Map.of("phoneNumber", phone, "name", "Journey Payer",
                    "cards", List.of(Map.of("alwaysFails", false))));
            String payerId = payer.path("payerId").asText();
            Map<String, Integer> expectedItems = new LinkedHashMap<>();
            String paid = create("/invoices", invoice(phone, true)).path("invoiceId").asText();
            String scheduled = create("/invoices", invoice(phone, true)).path("invoiceId").asText();
            String rejected = create("/invoices", invoice(phone, true)).path("invoiceId").asText();
            JsonNode link = create("/invoices/link", invoice(phone, false));
            assertEquals("user-redirect", link.path("links").path(0).path("rel").asText(), link.toString());
            JsonNode batch = call("POST", INVOICES + "/invoices/batch", List.of(invoice(phone, true), invoice(phone, true)), 202);
            JsonNode linkBatch = call("POST", INVOICES + "/invoices/link/batch", List.of(invoice(null, false), invoice(null, false)), 202);
            assertEquals(2, batch.path("accepted").size(), batch.toString());
            assertEquals(2, linkBatch.path("accepted").size(), linkBatch.toString());

            assertEquals("Paid", payer(payerId, paid, "accept", Map.of()).path("invoicePaymentStatus").asText());
            payer(payerId, scheduled, "accept", Map.of("paymentDate", LocalDate.now(ZoneId.of("Europe/Helsinki")).plusDays(5).toString()));
            payer(payerId, rejected, "reject", null);
            expectedItems.put(paid, 3); // Created, Accepted, Paid
            expectedItems.put(scheduled, 2); // Created, Accepted
            expectedItems.put(rejected, 2); // Created, Rejected
            expectedItems.put(link.path("invoiceId").asText(), 1);
            batch.path("accepted").forEach(a -> expectedItems.put(id(a), 1));
            linkBatch.path("accepted").forEach(a -> expectedItems.put(id(a), 1));

            // 5. the callbacks: every status once, authenticated, signed, sorted
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> itemsByInvoice(receiver, expectedItems.keySet()).equals(expectedItems));
            String basic = "Basic " + Base64.getEncoder().encodeToString(("journey:" + password).getBytes(StandardCharsets.UTF_8));
            int requests = 0;
            for (CallbackReceiver.Request request : receiver.to("/journey")) {
                requests++;
                assertEquals(basic, request.authorization(), "the Basic auth value registered");
                assertTrue(signedBy(secrets, request), "a valid webhook-signature: " + request.webhookSignature());
                JsonNode items = JSON.readTree(request.body());
                for (int i = 1; i < items.size(); i++) {
                    assertTrue(PrivateStackFaultsTest.order(items.get(i - 1)).compareTo(PrivateStackFaultsTest.order(items.get(i))) <= 0,
                            "each batch sorted by date then sequence: " + request.body());
                }
                for (JsonNode item : items) {
                    if (linkBatch.path("accepted").toString().contains(item.path("invoiceId").asText())) {
                        assertTrue(item.path("links").toString().contains("user-redirect"), "a link-batch item brings its link: " + item);
                    }
                }
            }

            // 6. status and details, as the merchant's fallback to callbacks
            assertEquals("Paid", call("GET", INVOICES + "/invoices/" + paid + "/status", null, 200).path("status").asText());
            JsonNode details = call("GET", INVOICES + "/invoices/" + paid, null, 200);
            assertFalse(details.path("paymentTransactionId").asText().isEmpty(), "a paid invoice's details carry its transaction: " + details);
            assertEquals("Rejected", call("GET", INVOICES + "/invoices/" + rejected + "/status", null, 200).path("status").asText());
            System.out.printf("journey: %d invoices, %d callback requests with %d items, all signed and sorted%n",
                    expectedItems.size(), requests, expectedItems.values().stream().mapToInt(Integer::intValue).sum());
        }
    }

    /** The authorization-code flow with PKCE as a browser does it: the login form, the consent form if one comes, the redirect. */
    JsonNode authorizationCodeFlow(String scope) throws Exception {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String challenge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String state = UUID.randomUUID().toString();
        HttpResponse<String> page = browse(HttpRequest.newBuilder(URI.create(KEYCLOAK + "/auth?" + form(Map.of(
                "client_id", INTEGRATOR_APP.clientId(), "response_type", "code", "scope", scope, "redirect_uri", REDIRECT,
                "state", state, "code_challenge", challenge, "code_challenge_method", "S256")))));
        assertEquals(200, page.statusCode(), "the login page");
        HttpResponse<String> answer = submit(page.body(), Map.of("username", MERCHANT_2.username(), "password", MERCHANT_2.password(),
                "credentialId", ""));
        if (answer.statusCode() == 200) { // the consent screen: grant what the client asks
            Matcher code = HIDDEN_CODE.matcher(answer.body());
            assertTrue(code.find(), "a consent form: " + answer.body());
            answer = submit(answer.body(), Map.of("code", code.group(1), "accept", "Yes"));
        }
        assertEquals(302, answer.statusCode(), "redirected back to the client: " + answer.body());
        URI back = URI.create(answer.headers().firstValue("Location").orElseThrow());
        Map<String, String> query = new HashMap<>();
        for (String pair : back.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertEquals(state, query.get("state"), "the state comes back unchanged");
        return tokenRequest(Map.of("grant_type", "authorization_code", "code", query.get("code"), "redirect_uri", REDIRECT,
                "client_id", INTEGRATOR_APP.clientId(), "client_secret", INTEGRATOR_APP.secret(), "code_verifier", verifier));
    }

    HttpResponse<String> submit(String html, Map<String, String> fields) throws Exception {
        Matcher action = FORM_ACTION.matcher(html);
        assertTrue(action.find(), "a form: " + html);
        return browse(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    }

    /** One request of the browser: its cookies sent, the ones set kept. */
    HttpResponse<String> browse(HttpRequest.Builder request) throws Exception {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue()).collect(Collectors.joining("; ")));
        }
        HttpResponse<String> response = browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String set : response.headers().allValues("Set-Cookie")) {
            String[] pair = set.split(";", 2)[0].split("=", 2);
            cookies.put(pair[0].trim(), pair.length > 1 ? pair[1] : "");
        }
        return response;
    }

    JsonNode tokenRequest(Map<String, String> fields) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(KEYCLOAK + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** A call of the integrator's client: the merchant's token and the app's gateway headers. */
    JsonNode call(String method, String url, Object body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + accessToken)
                .header("x-ibm-client-id", INTEGRATOR_APP.clientId()).header("x-ibm-client-secret", INTEGRATOR_APP.secret())
                .header("X-Client-System-Name", "Journey Client").header("X-Client-System-Version", "1.0.0");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + url + ": " + response.body());
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    JsonNode create(String path, Map<String, Object> invoice) throws Exception {
        return call("POST", INVOICES + path, invoice, 200);
    }

    JsonNode admin(String path, Object body) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(INVOICE_SERVICE + path))
                .header("Authorization", "Bearer " + Tokens.of(LocalStack.OPS_ADMIN, "openid")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** The payer's decision through the user simulation (sandbox only). */
    JsonNode payer(String payerId, String invoiceId, String decision, Map<String, Object> body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(INVOICE_SERVICE + "/api/v1/consumers/me/invoices/" + invoiceId + "/" + decision))
                .header("AuthenticatedUser", payerId);
        Tokens.gateway(request, MERCHANT_2, "openid invoice-usersimulation");
        if (body == null) {
            request.PUT(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), decision + ": " + response.body());
        return JSON.readTree(response.body());
    }

    static Map<String, Object> invoice(String phone, boolean direct) {
        String number = "JOURNEY-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> invoice = new LinkedHashMap<>(Map.of("InvoiceIssuer", INSTANT_ISSUER, "TotalAmount", 120.5,
                "InvoiceNumber", number, "PaymentReference", "REF-" + number,
                "DueDate", LocalDate.now(ZoneId.of("Europe/Helsinki")).plusDays(14).toString(),
                "InvoiceArticles", List.of(Map.of("ArticleDescription", "Journey", "VATRate", 24, "TotalVATAmount", 23.32,
                        "TotalPriceIncludingVat", 120.5))));
        if (phone != null) {
            invoice.put("ConsumerAlias", Map.of("Alias", phone, "AliasType", "Phone"));
        }
        return invoice;
    }

    static String id(JsonNode accepted) {
        return accepted.isTextual() ? accepted.asText() : accepted.path("invoiceId").asText();
    }

    /** How many distinct (invoiceId, sequence) items of these invoices arrived in answered-200 callbacks, per invoice. */
    static Map<String, Integer> itemsByInvoice(CallbackReceiver receiver, Set<String> invoices) {
        Map<String, Set<String>> seen = new LinkedHashMap<>();
        for (CallbackReceiver.Request request : receiver.to("/journey")) {
            if (request.answered() == 200) {
                for (String key : PrivateStackFaultsTest.items(request.body())) {
                    String invoice = key.substring(0, key.indexOf('#'));
                    if (invoices.contains(invoice)) {
                        seen.computeIfAbsent(invoice, k -> new HashSet<>()).add(key);
                    }
                }
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        invoices.forEach(i -> counts.put(i, seen.getOrDefault(i, Set.of()).size()));
        return counts;
    }

    /** Standard Webhooks: v1,base64(HMAC-SHA256(key, "id.timestamp.body")), the key the base64 after "whsec_"; one of the listed signatures. */
    static boolean signedBy(List<String> secrets, CallbackReceiver.Request request) throws Exception {
        assertNotNull(request.webhookSignature(), "a webhook-signature header");
        String content = request.webhookId() + "." + request.webhookTimestamp() + "." + request.body();
        for (String secret : secrets) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
            if (List.of(request.webhookSignature().split(" ")).contains(expected)) {
                return true;
            }
        }
        return false;
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
