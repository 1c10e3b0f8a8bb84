package com.invoicepay.callback.registration;

import com.invoicepay.testsupport.Keycloak;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * invoice.yaml's callback registration through the real gateway (Keycloak tokens), every refusal
 * of RULES.md with its code, the SSRF guard, credentials sealed at rest, and the signing secrets.
 */
@QuarkusTest
class RegistrationTest {
    static String token1, token2;
    static final String M1 = MERCHANT_1.merchantId().toString();
    static final String M2 = MERCHANT_2.merchantId().toString();

    @Inject
    Pool pool;

    @BeforeAll
    static void tokens() {
        token1 = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        token2 = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_2, "openid invoice");
    }

    static RequestSpecification merchant(String token) {
        return given().auth().oauth2(token).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret()).contentType(ContentType.JSON);
    }

    static Map<String, Object> basic(String url) {
        Map<String, Object> body = new HashMap<>();
        body.put("Username", "invoiceclient");
        body.put("Password", "DGjPdm5n-secret-password");
        body.put("CallbackUrl", url);
        return body;
    }

    void refusedBasic(Map<String, Object> body, String code) {
        merchant(token1).body(body).when().put("/api/v1/merchants/" + M1 + "/auth/basic")
                .then().statusCode(400).body("error", equalTo("InputError")).body("error_code", equalTo(code))
                .body("correlation_id", notNullValue()).body("error_context", equalTo("Callbacks"));
    }

    void refusedApiKey(String apiKey, String url, String code) {
        Map<String, Object> body = new HashMap<>();
        body.put("ApiKey", apiKey);
        body.put("CallbackUrl", url);
        merchant(token1).body(body).when().put("/api/v1/merchants/" + M1 + "/auth/apikey")
                .then().statusCode(400).body("error_code", equalTo(code));
    }

    Row endpointRow(String merchant) {
        var rows = pool.preparedQuery("select * from callback_endpoint where merchant_id = $1")
                .execute(Tuple.of(UUID.fromString(merchant))).await().atMost(Duration.ofSeconds(10));
        return rows.size() == 0 ? null : rows.iterator().next();
    }

    @Test
    void basicAndApiKeyRegistrationsAre204AndANewPutReplacesTheEndpoint() {
        merchant(token1).body(basic("https://callbacks.example.com/invoices")).when()
                .put("/api/v1/merchants/" + M1 + "/auth/basic").then().statusCode(204);
        assertEquals("Basic", endpointRow(M1).getString("auth_type"));
        assertEquals("https://callbacks.example.com/invoices", endpointRow(M1).getString("callback_url"));

        merchant(token1).body(Map.of("apiKey", "M8z4KWNc2v4rKMKT", "callbackUrl", "https://hooks.example.com/b"))
                .when().put("/api/v1/merchants/" + M1 + "/auth/apikey").then().statusCode(204);
        Row row = endpointRow(M1);
        assertEquals("ApiKey", row.getString("auth_type"));
        assertEquals("https://hooks.example.com/b", row.getString("callback_url"));
        var count = pool.preparedQuery("select count(*) as n from callback_endpoint where merchant_id = $1")
                .execute(Tuple.of(UUID.fromString(M1))).await().atMost(Duration.ofSeconds(10));
        assertEquals(1L, count.iterator().next().getLong("n"), "one endpoint per merchant");
    }

    @Test
    void credentialsAreEncryptedAtRestUnderTheCurrentKeyAndNeverReturned() {
        String password = "Plain-Password-" + UUID.randomUUID();
        Map<String, Object> body = basic("https://callbacks.example.com/x");
        body.put("Password", password);
        String response = merchant(token1).body(body).when().put("/api/v1/merchants/" + M1 + "/auth/basic")
                .then().statusCode(204).extract().asString();
        assertFalse(response.contains(password));
        Row row = endpointRow(M1);
        String stored = row.getString("credential_ciphertext");
        String basicValue = java.util.Base64.getEncoder().encodeToString(("invoiceclient:" + password).getBytes());
        assertFalse(stored.contains(password), "no plain password in the table");
        assertFalse(stored.contains(basicValue), "no plain Basic value in the table");
        assertFalse(stored.contains("invoiceclient"), "no plain username in the table");
        assertEquals("test-2", row.getString("credential_key_id"), "new values are sealed with the current key");

        String apiKey = "ApiKey-" + UUID.randomUUID();
        merchant(token1).body(Map.of("ApiKey", apiKey, "CallbackUrl", "https://hooks.example.com/c"))
                .when().put("/api/v1/merchants/" + M1 + "/auth/apikey").then().statusCode(204);
        assertFalse(endpointRow(M1).getString("credential_ciphertext").contains(apiKey));
        var secrets = pool.preparedQuery("select secret_ciphertext from signing_secret where merchant_id = $1")
                .execute(Tuple.of(UUID.fromString(M1))).await().atMost(Duration.ofSeconds(10));
        for (Row s : secrets) {
            assertFalse(s.getString("secret_ciphertext").startsWith("whsec_"), "signing secrets are sealed too");
        }
    }

    @Test
    void missingFieldsAre12001() {
        Map<String, Object> noPassword = basic("https://callbacks.example.com/x");
        noPassword.remove("Password");
        refusedBasic(noPassword, "12001");
        Map<String, Object> noUrl = basic(null);
        refusedBasic(noUrl, "12001");
        refusedApiKey(null, "https://callbacks.example.com/x", "12001");
        refusedApiKey("key", null, "12001");
        merchant(token1).when().put("/api/v1/merchants/" + M1 + "/auth/apikey").then().statusCode(400)
                .body("error_code", equalTo("12001"));
    }

    @Test
    void badUrlsAreRefusedWithTheirCodes() {
        refusedBasic(basic("not a url"), "12002");
        refusedBasic(basic("/relative/path"), "12002");
        refusedBasic(basic("https://user:pw@callbacks.example.com/x"), "12002");
        refusedBasic(basic("https://callbacks.example.com:99999/x"), "12002"); // java.net.URI takes any digits as a port
        refusedBasic(basic("https://callbacks.example.com:0/x"), "12002");
        refusedBasic(basic("http://callbacks.example.com/x"), "12003");
        refusedBasic(basic("ftp://callbacks.example.com/x"), "12003");
        refusedBasic(basic("http://localhost:8080/x"), "12003"); // plain HTTP only to the literal 127.0.0.1
        refusedBasic(basic("https://no-such-host.invalid/x"), "12005");
        refusedBasic(basic("https://callbacks.example.com/" + "x".repeat(1000)), "12007");
    }

    @Test
    void ssrfTargetsAre12004() {
        refusedBasic(basic("https://internal.test/callbacks"), "12004");      // a name resolving to 10.20.30.40
        refusedBasic(basic("https://metadata.test/latest/meta-data"), "12004"); // a name resolving to 169.254.169.254
        refusedBasic(basic("https://169.254.169.254/latest/meta-data"), "12004");
        refusedBasic(basic("https://[::1]:8443/x"), "12004");
        refusedBasic(basic("https://[::ffff:10.0.0.1]/x"), "12004");
        refusedBasic(basic("https://10.1.2.3/x"), "12004");
        refusedBasic(basic("https://192.168.1.10/x"), "12004");
        refusedBasic(basic("https://172.16.0.1/x"), "12004");
        refusedBasic(basic("https://127.0.0.2/x"), "12004");
        refusedBasic(basic("https://0.0.0.0/x"), "12004");
        refusedBasic(basic("https://[fd00:ec2::254]/x"), "12004");
        refusedBasic(basic("https://100.64.0.1/x"), "12004");
        // the sandbox's one exception
        merchant(token1).body(basic("http://127.0.0.1:9/x")).when().put("/api/v1/merchants/" + M1 + "/auth/basic")
                .then().statusCode(204);
    }

    @Test
    void anApiKeyThatCannotBeAnAuthorizationValueIs12006() {
        refusedApiKey("line\nbreak", "https://callbacks.example.com/x", "12006");
        refusedApiKey("carriage\rreturn", "https://callbacks.example.com/x", "12006");
        refusedApiKey("nøgle", "https://callbacks.example.com/x", "12006");
        refusedApiKey(" leading", "https://callbacks.example.com/x", "12006");
        refusedApiKey("tab\tinside", "https://callbacks.example.com/x", "12006");
        refusedApiKey("k".repeat(1001), "https://callbacks.example.com/x", "12007");
        merchant(token1).body(Map.of("ApiKey", "Bearer abc.def-ghi", "CallbackUrl", "https://callbacks.example.com/x"))
                .when().put("/api/v1/merchants/" + M1 + "/auth/apikey").then().statusCode(204);
    }

    @Test
    void basicCredentialsThatCannotTravelAre12008And12009() {
        Map<String, Object> colon = basic("https://callbacks.example.com/x");
        colon.put("Username", "user:name");
        refusedBasic(colon, "12008");
        Map<String, Object> control = basic("https://callbacks.example.com/x");
        control.put("Password", "pass\u0001word");
        refusedBasic(control, "12009");
        control.put("Password", "pass\u0000word"); // U+0000 in any text of any body is refused when read (common's RequestJson)
        refusedBasic(control, "90040");
    }

    @Test
    void aRegistrationIsAnnouncedOnApiActivityWithoutItsCredentials() {
        String correlationId = "activity-" + UUID.randomUUID();
        String password = "Never-In-Activity-" + UUID.randomUUID();
        Map<String, Object> body = basic("https://callbacks.example.com/x");
        body.put("Password", password);
        merchant(token1).header("CorrelationId", correlationId).header("X-Client-System-Name", "ShopSys")
                .header("X-Client-System-Version", "3.1.7").body(body)
                .when().put("/api/v1/merchants/" + M1 + "/auth/basic").then().statusCode(204);
        try (var kafka = new io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion("127.0.0.1:9092")) {
            var envelopes = new com.invoicepay.common.events.EnvelopeDeserializer();
            kafka.registerSerde(com.invoicepay.common.events.EventEnvelope.class, new com.invoicepay.common.events.EnvelopeSerializer(),
                    (topic, data) -> {
                        try {
                            return envelopes.deserialize(topic, data);
                        } catch (RuntimeException notAnEnvelope) {
                            return null;
                        }
                    });
            var task = kafka.consume(String.class, com.invoicepay.common.events.EventEnvelope.class).fromTopics("test-api-activity");
            var record = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> task.getRecords().stream()
                    .filter(r -> r.value() != null && correlationId.equals(r.value().correlationId())).findFirst(),
                    java.util.Optional::isPresent).orElseThrow();
            task.stop();
            var e = record.value();
            assertEquals("callback-service", e.source());
            assertEquals(MERCHANT_1.merchantId(), e.merchantId());
            var call = e.payloadAs(com.invoicepay.common.events.ApiCall.class);
            assertEquals("PUT", call.method());
            assertEquals("/api/v1/merchants/{merchantId}/auth/basic", call.route());
            assertEquals(204, call.status());
            assertFalse(e.payload().toString().contains(password), "credentials never reach api-activity");
        }
    }

    @Test
    void anotherMerchantsPathIs403() {
        merchant(token2).body(basic("https://callbacks.example.com/x")).when().put("/api/v1/merchants/" + M1 + "/auth/basic")
                .then().statusCode(403).body("error_code", equalTo("90012"));
        given().contentType(ContentType.JSON).body(basic("https://callbacks.example.com/x"))
                .when().put("/api/v1/merchants/" + M1 + "/auth/basic").then().statusCode(401);
    }

    @Test
    void theSigningSecretIsReadableAndRotatesWithAnOverlap() {
        String first = merchant(token2).when().get("/api/v1/merchants/" + M2 + "/auth/signing-secrets")
                .then().statusCode(200).body("secrets", hasSize(1)).body("secrets[0].secret", startsWith("whsec_"))
                .body("secrets[0].expiresAt", nullValue())
                .extract().path("secrets[0].secret");
        merchant(token2).when().get("/api/v1/merchants/" + M2 + "/auth/signing-secrets").then()
                .body("secrets[0].secret", equalTo(first));

        List<String> afterRotation = merchant(token2).body(Map.of("overlapSeconds", 3600))
                .when().post("/api/v1/merchants/" + M2 + "/auth/signing-secrets/rotate")
                .then().statusCode(200).body("secrets", hasSize(2)).body("secrets[1].secret", equalTo(first))
                .body("secrets[1].expiresAt", notNullValue()).body("secrets[0].expiresAt", nullValue())
                .extract().path("secrets.secret");
        assertFalse(afterRotation.get(0).equals(first));
        merchant(token2).body(Map.of("overlapSeconds", -5))
                .when().post("/api/v1/merchants/" + M2 + "/auth/signing-secrets/rotate")
                .then().statusCode(400).body("error_code", equalTo("12014"));
        merchant(token1).when().get("/api/v1/merchants/" + M2 + "/auth/signing-secrets").then().statusCode(403);
    }
}
