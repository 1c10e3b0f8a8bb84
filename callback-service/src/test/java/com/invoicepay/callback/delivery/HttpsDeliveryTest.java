package com.invoicepay.callback.delivery;

import com.invoicepay.callback.Receiver;
import com.invoicepay.callback.TestSupport;
import com.invoicepay.callback.registration.Endpoints;
import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery over HTTPS to a local receiver with a self-signed certificate (SAN 127.0.0.1), trusted
 * through {@code callback.trust-certificates} (sandbox only; the test profile names the receiver's
 * certificate). A receiver presenting another self-signed certificate is refused: the trust is real.
 */
@QuarkusTest
class HttpsDeliveryTest {
    @ConfigProperty(name = "invoicepay.topic-prefix", defaultValue = "")
    String prefix;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    Endpoints endpoints;
    @Inject
    DeliveryJob job;
    @Inject
    BatchQueries batches;
    @Inject
    Pool pool;

    KafkaCompanion kafka;
    UUID merchant;

    @BeforeEach
    void setUp() {
        kafka = new KafkaCompanion(bootstrap);
        kafka.registerSerde(EventEnvelope.class, new EnvelopeSerializer(), new EnvelopeDeserializer());
        merchant = UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        TestSupport.moveClock(Duration.ZERO);
        kafka.close();
    }

    @Test
    void aCallbackGoesOverHttpsToAReceiverWhoseCertificateIsTrustedAndItsSignatureVerifies() throws Exception {
        try (Receiver receiver = new Receiver(tls("receiver.p12"))) {
            assertTrue(receiver.url().startsWith("https://127.0.0.1:"));
            endpoints.registerApiKey(merchant, "tls-key", receiver.url());
            publishOne();
            job.runNow();
            assertEquals(1, receiver.requests.size());
            assertEquals("tls-key", receiver.requests.get(0).header("Authorization"));
            assertTrue(TestSupport.verifies(endpoints.secrets(merchant).get(0).secret(), receiver.requests.get(0)));
            assertEquals("Delivered", onlyBatch().state());
        }
    }

    @Test
    void aReceiverWithACertificateNobodyTrustsIsAFailedAttempt() throws Exception {
        try (Receiver receiver = new Receiver(tls("stranger.p12"))) {
            endpoints.registerApiKey(merchant, "tls-key", receiver.url());
            publishOne();
            job.runNow();
            assertEquals(0, receiver.requests.size(), "no request reaches a server whose certificate is not trusted");
            var batch = onlyBatch();
            assertEquals("Pending", batch.state());
            String error = batch.attemptLog().get(0).error();
            assertTrue(error != null && error.toLowerCase().matches(".*(ssl|certificat|pkix|handshake).*"), error);
        }
    }

    void publishOne() {
        EventEnvelope event = TestSupport.statusEvent(merchant, UUID.randomUUID(), "Created", Instant.now().minusSeconds(60), 0);
        kafka.produce(String.class, EventEnvelope.class)
                .fromRecords(List.of(new ProducerRecord<>(prefix + Topics.INVOICE_EVENTS, merchant.toString(), event)))
                .awaitCompletion(Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.preparedQuery("select count(*) as n from pending_item where merchant_id = $1")
                .execute(Tuple.of(merchant)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n") == 1);
    }

    BatchQueries.BatchDetails onlyBatch() {
        var list = batches.list(merchant, null, 10).batches();
        assertEquals(1, list.size(), "one batch: " + list);
        return batches.details(merchant, list.get(0).batchId());
    }

    static SSLContext tls(String keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream("src/test/resources/tls/" + keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
