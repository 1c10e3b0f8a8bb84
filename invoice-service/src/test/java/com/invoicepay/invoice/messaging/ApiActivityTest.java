package com.invoicepay.invoice.messaging;

import com.invoicepay.common.events.ApiCall;
import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.Topics;
import com.invoicepay.testsupport.Keycloak;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every call that passes the gateway is announced on api-activity, keyed by client, for certification. */
@QuarkusTest
class ApiActivityTest {
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "invoicepay.topic-prefix", defaultValue = "")
    String prefix;

    @Test
    void aCallIsRecordedWithClientVersionSessionRouteAndStatus() {
        String correlationId = "activity-" + UUID.randomUUID();
        String token = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        given().auth().oauth2(token).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret())
                .header("X-Client-System-Name", "ShopSys").header("X-Client-System-Version", "3.1.7")
                .header("CorrelationId", correlationId)
                .when().get("/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoiceissuers").then().statusCode(200);

        try (KafkaCompanion kafka = new KafkaCompanion(bootstrap)) {
            kafka.registerSerde(EventEnvelope.class, new EnvelopeSerializer(), new EnvelopeDeserializer());
            ConsumerTask<String, EventEnvelope> task = kafka.consume(String.class, EventEnvelope.class)
                    .fromTopics(prefix + Topics.API_ACTIVITY);
            ConsumerRecord<String, EventEnvelope> record = await().atMost(Duration.ofSeconds(30))
                    .until(() -> find(task, correlationId), Optional::isPresent).orElseThrow();
            task.stop();

            EventEnvelope e = record.value();
            assertEquals(INTEGRATOR_APP.clientId(), record.key(), "api-activity is keyed by client id");
            assertEquals(ApiCall.TYPE, e.type());
            assertEquals("invoice-service", e.source());
            assertEquals(MERCHANT_1.merchantId(), e.merchantId());
            assertEquals(INTEGRATOR_APP.clientId(), e.clientId());
            assertEquals("ShopSys", e.clientSystemName());
            assertEquals("3.1.7", e.clientVersion());
            ApiCall call = e.payloadAs(ApiCall.class);
            assertEquals("GET", call.method());
            assertEquals("/api/v1/merchants/{merchantId}/invoiceissuers", call.route());
            assertEquals(200, call.status());
            assertNotNull(call.sessionId(), "sid lets certification see a refreshed token of the same consent");
            assertNotNull(call.tokenIssuedAt());
            assertTrue(call.durationMillis() >= 0);
        }
    }

    private static Optional<ConsumerRecord<String, EventEnvelope>> find(ConsumerTask<String, EventEnvelope> task, String correlationId) {
        return task.getRecords().stream().filter(r -> r.value() != null && correlationId.equals(r.value().correlationId())).findFirst();
    }
}
