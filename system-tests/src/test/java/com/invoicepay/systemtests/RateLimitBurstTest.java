package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #7: a burst over the rate limit of the stack's gateway (common's RateLimiter: 50 requests/s per client and
 * merchant, bursts of 100) is answered 429 with Retry-After and the API's error body, other clients go on being
 * served meanwhile, and the throttled client is served again after Retry-After. The burst comes from a Keycloak
 * client of its own (a copy of integrator-app, deleted afterwards), so no other test is throttled.
 */
class RateLimitBurstTest {
    static final int BURST = 100;
    static final int CONCURRENCY = 32;
    static final int MAX_REQUESTS = 4_000;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    static Keycloak.Admin admin;
    static String internalId;
    static LocalStack.App burster;

    @BeforeAll
    static void ownClient() {
        admin = new Keycloak.Admin();
        burster = new LocalStack.App("rate-limit-burst-" + UUID.randomUUID().toString().substring(0, 8), UUID.randomUUID().toString());
        internalId = admin.copyClient(INTEGRATOR_APP.clientId(), burster.clientId(), burster.secret());
    }

    @AfterAll
    static void deleteClient() {
        if (internalId != null) {
            admin.deleteClient(internalId);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "8081, /api/v1/merchants/me, openid invoice",
            "8082, /api/v1/merchants/7c9e6679-7425-40de-944b-e07fc1f90ae7/auth/signing-secrets, openid invoice",
            "8083, /v3/reporting/paymentpoints, openid transactionreporting"})
    void aBurstIsRefusedWith429AndRetryAfterUntilTheBucketRefills(int port, String path, String scope) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        String token = Keycloak.userToken(burster, MERCHANT_1, scope);
        assertEquals(200, send(uri, burster, token).statusCode(), "the client is served before the burst");

        int sent = 1;
        int served = 1;
        HttpResponse<String> refused = null;
        while (refused == null && sent < MAX_REQUESTS) {
            List<CompletableFuture<HttpResponse<String>>> wave = new ArrayList<>();
            for (int i = 0; i < CONCURRENCY; i++) {
                wave.add(HTTP.sendAsync(request(uri, burster, token), HttpResponse.BodyHandlers.ofString()));
            }
            sent += CONCURRENCY;
            for (CompletableFuture<HttpResponse<String>> answer : wave) {
                HttpResponse<String> response = answer.join();
                assertTrue(response.statusCode() == 200 || response.statusCode() == 429, "served or throttled, nothing else: HTTP "
                        + response.statusCode() + " " + response.body());
                if (response.statusCode() == 200) {
                    served++;
                } else {
                    refused = response;
                }
            }
        }
        assertNotNull(refused, "a burst of " + sent + " requests as fast as " + CONCURRENCY + " connections send them is throttled");
        assertTrue(served >= BURST, "the first " + BURST + " requests of a burst are served: " + served);

        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow(() -> new AssertionError("Retry-After")));
        assertTrue(retryAfter >= 1, "Retry-After in whole seconds: " + retryAfter);
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), refused.body());
        JsonNode error = JSON.readTree(refused.body());
        if (port == 8083) {
            assertEquals("90029", error.path("code").asText(), refused.body());
            assertFalse(error.path("correlationId").asText().isBlank(), refused.body());
        } else {
            assertEquals("90029", error.path("error_code").asText(), refused.body());
            assertEquals("InputError", error.path("error").asText(), refused.body());
            assertFalse(error.path("correlation_id").asText().isBlank(), refused.body());
        }

        // the limit is per client and merchant: integrator-app goes on being served for the same merchant
        assertEquals(200, send(uri, INTEGRATOR_APP, Tokens.of(MERCHANT_1, scope)).statusCode(), "another client is not throttled");

        long throttledAt = System.nanoTime();
        Thread.sleep(retryAfter * 1000);
        HttpResponse<String> after = send(uri, burster, token);
        assertEquals(200, after.statusCode(), "served again after Retry-After: " + after.body());
        System.out.printf("rate limit: %d %s: %d requests in the burst, %d served, then 429 with Retry-After %d s; served again %d ms later%n",
                port, path, sent, served, retryAfter, Duration.ofNanos(System.nanoTime() - throttledAt).toMillis());
    }

    static HttpRequest request(URI uri, LocalStack.App app, String token) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("x-ibm-client-id", app.clientId()).header("x-ibm-client-secret", app.secret()).GET().build();
    }

    static HttpResponse<String> send(URI uri, LocalStack.App app, String token) throws Exception {
        return HTTP.send(request(uri, app, token), HttpResponse.BodyHandlers.ofString());
    }
}
