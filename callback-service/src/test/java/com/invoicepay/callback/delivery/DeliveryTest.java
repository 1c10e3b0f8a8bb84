package com.invoicepay.callback.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.callback.Receiver;
import com.invoicepay.callback.TestSupport;
import com.invoicepay.callback.registration.Endpoints;
import com.invoicepay.callback.security.CredentialCipher;
import com.invoicepay.common.events.EnvelopeDeserializer;
import com.invoicepay.common.events.EnvelopeSerializer;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
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

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Callbacks end to end: envelopes through the real broker into the consumer, pending items in
 * PostgreSQL, the flush job, and a real HTTP receiver on 127.0.0.1 that checks auth and signatures.
 * Time-based retries move the sandbox clock and run the job; nothing sleeps for a retry.
 */
@QuarkusTest
class DeliveryTest {
    @ConfigProperty(name = "invoicepay.topic-prefix", defaultValue = "")
    String prefix;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    Endpoints endpoints;
    @Inject
    DeliveryJob job;
    @Inject
    Deliveries deliveries;
    @Inject
    BatchQueries batches;
    @Inject
    Pool pool;
    @Inject
    MeterRegistry metrics;

    KafkaCompanion kafka;
    Receiver receiver;
    UUID merchant;

    @BeforeEach
    void setUp() throws Exception {
        kafka = new KafkaCompanion(bootstrap);
        kafka.registerSerde(EventEnvelope.class, new EnvelopeSerializer(), new EnvelopeDeserializer());
        receiver = new Receiver();
        merchant = UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        TestSupport.moveClock(Duration.ZERO);
        receiver.close();
        kafka.close();
    }

    // ---- helpers -------------------------------------------------------------------------------------

    void publish(List<EventEnvelope> events) {
        List<ProducerRecord<String, EventEnvelope>> records = new ArrayList<>();
        for (EventEnvelope e : events) {
            records.add(new ProducerRecord<>(prefix + Topics.INVOICE_EVENTS, merchant.toString(), e));
        }
        kafka.produce(String.class, EventEnvelope.class).fromRecords(records).awaitCompletion(Duration.ofSeconds(20));
    }

    long items(String where) {
        return pool.preparedQuery("select count(*) as n from pending_item where merchant_id = $1 " + where)
                .execute(Tuple.of(merchant)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
    }

    void awaitItems(long n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> items("") == n);
    }

    JsonNode body(Receiver.Request request) throws Exception {
        return EventJson.MAPPER.readTree(request.body());
    }

    String secret() {
        return endpoints.secrets(merchant).get(0).secret();
    }

    BatchQueries.BatchDetails onlyBatch() {
        var list = batches.list(merchant, null, 10).batches();
        assertEquals(1, list.size(), "one batch: " + list);
        return batches.details(merchant, list.get(0).batchId());
    }

    List<EventEnvelope> lifecycle(UUID invoice, Instant start) {
        return List.of(
                TestSupport.statusEvent(merchant, invoice, "Created", start, 0),
                TestSupport.statusEvent(merchant, invoice, "Accepted", start.plusSeconds(60), 1),
                TestSupport.statusEvent(merchant, invoice, "Paid", start.plusSeconds(120), 2));
    }

    // ---- tests -----------------------------------------------------------------------------------------

    @Test
    void shuffledEventsArriveAsOneBatchSortedByDateThenSequenceWithBasicAuthAndAValidSignature() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
        List<EventEnvelope> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.addAll(lifecycle(UUID.randomUUID(), start.plusSeconds(i * 7L)));
        }
        UUID sameDate = UUID.randomUUID(); // two statuses with one date: sequence decides
        events.add(TestSupport.statusEvent(merchant, sameDate, "Invalid", start.plusSeconds(500), 1));
        events.add(TestSupport.statusEvent(merchant, sameDate, "Created", start.plusSeconds(500), 0));
        Collections.shuffle(events, new Random(42));
        publish(events);
        awaitItems(events.size()); // all in before the endpoint exists: the job cannot send a part early

        endpoints.registerBasic(merchant, "invoiceclient", "pa:ss wørd", receiver.url());
        job.runNow();

        assertEquals(1, receiver.requests.size());
        Receiver.Request request = receiver.requests.get(0);
        JsonNode items = body(request);
        assertEquals(events.size(), items.size());
        for (int i = 1; i < items.size(); i++) {
            Instant before = Instant.parse(items.get(i - 1).get("date").asText());
            Instant after = Instant.parse(items.get(i).get("date").asText());
            assertTrue(before.isBefore(after) || before.equals(after) && items.get(i - 1).get("sequence").asLong()
                    < items.get(i).get("sequence").asLong(), "sorted by date then sequence: " + items);
        }
        JsonNode last = items.get(items.size() - 1);
        assertEquals("Invalid", last.get("status").asText());
        assertEquals("10008", last.get("errorCode").asText());
        assertEquals("TotalAmount must be greater than 0", last.get("errorMessage").asText());
        JsonNode accepted = null;
        for (JsonNode item : items) {
            if (accepted == null && "Accepted".equals(item.get("status").asText())) {
                accepted = item;
            }
        }
        assertNotNull(accepted);
        assertEquals("2026-12-01", accepted.get("paymentDate").asText());
        assertNull(items.get(0).get("paymentDate"), "paymentDate only on Accepted");

        assertEquals("Basic " + Base64.getEncoder().encodeToString("invoiceclient:pa:ss wørd".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                request.header("Authorization"));
        assertTrue(TestSupport.verifies(secret(), request), "the receiver verifies the signature");
        assertNotNull(request.header("webhook-timestamp"));
        var batch = onlyBatch();
        assertEquals(request.header("webhook-id"), batch.batchId().toString());
        assertEquals("Delivered", batch.state());
        assertEquals(200, batch.attemptLog().get(0).statusCode());
        assertTrue(batch.attemptLog().get(0).responseBody().contains("***"), "phone numbers in answers are masked");
        assertTrue(!batch.attemptLog().get(0).responseBody().contains("12345678"));

        job.runNow();
        assertEquals(1, receiver.requests.size(), "nothing is sent twice");
    }

    @Test
    void aRedeliveredEventMakesNoSecondItem() {
        EventEnvelope event = TestSupport.statusEvent(merchant, UUID.randomUUID(), "Created", Instant.now(), 0);
        publish(List.of(event));
        awaitItems(1);
        publish(List.of(event));
        EventEnvelope marker = TestSupport.statusEvent(merchant, UUID.randomUUID(), "Created", Instant.now(), 0);
        publish(List.of(marker)); // same partition, after the duplicate: once it is in, the duplicate was handled
        awaitItems(2);
        assertEquals(1, pool.preparedQuery("select count(*) as n from pending_item where event_id = $1")
                .execute(Tuple.of(event.eventId())).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong("n"));
    }

    /** Tracing (issue #8): a delivery is a span of its own, linked to its items' events, and the receiver gets its traceparent. */
    @Test
    void aDeliveryLinksToTheTracesOfItsItemsAndSendsItsTraceparent() throws Exception {
        List<EventEnvelope> events = lifecycle(UUID.randomUUID(), Instant.now().minusSeconds(300)).subList(0, 2);
        List<String> traceIds = List.of(UUID.randomUUID().toString().replace("-", ""), UUID.randomUUID().toString().replace("-", ""));
        List<ProducerRecord<String, EventEnvelope>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            ProducerRecord<String, EventEnvelope> record = new ProducerRecord<>(prefix + Topics.INVOICE_EVENTS, merchant.toString(), events.get(i));
            record.headers().add("traceparent", ("00-" + traceIds.get(i) + "-00f067aa0ba902b7-01").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            records.add(record);
        }
        kafka.produce(String.class, EventEnvelope.class).fromRecords(records).awaitCompletion(Duration.ofSeconds(20));
        awaitItems(2);
        endpoints.registerApiKey(merchant, "k", receiver.url());
        job.runNow();
        assertEquals(1, receiver.requests.size());
        String[] sent = receiver.requests.get(0).header("traceparent").split("-");
        var span = com.invoicepay.testsupport.RecordedSpans.named("callback delivery").stream()
                .filter(s -> s.getTraceId().equals(sent[1])).findFirst().orElseThrow();
        assertEquals(sent[2], span.getSpanId(), "the receiver gets the delivery span's own context");
        assertEquals(java.util.Set.copyOf(traceIds), span.getLinks().stream().map(l -> l.getSpanContext().getTraceId())
                .collect(java.util.stream.Collectors.toSet()), "one link per item's trace");
        assertTrue(!traceIds.contains(sent[1]), "the batch is a trace of its own");
    }

    @Test
    void anApiKeyIsSentAsTheAuthorizationValueItself() throws Exception {
        publish(lifecycle(UUID.randomUUID(), Instant.now().minusSeconds(300)));
        awaitItems(3);
        endpoints.registerApiKey(merchant, "M8z4KWNc2v4rKMKT", receiver.url());
        job.runNow();
        assertEquals(1, receiver.requests.size());
        assertEquals("M8z4KWNc2v4rKMKT", receiver.requests.get(0).header("Authorization"));
        assertTrue(TestSupport.verifies(secret(), receiver.requests.get(0)));

        var refused = org.junit.jupiter.api.Assertions.assertThrows(com.invoicepay.common.web.ApiException.class,
                () -> deliveries.redeliver(merchant, onlyBatch().batchId()));
        assertEquals("12011", refused.code(), "a delivered batch is not redelivered");
        assertEquals(409, refused.status());
    }

    @Test
    void aFullBatchGoesWithoutWaitingForTheNextTick() throws Exception {
        endpoints.registerApiKey(merchant, "k", receiver.url());
        Instant start = Instant.now().minusSeconds(3600);
        List<EventEnvelope> events = new ArrayList<>();
        for (int i = 0; i < 500; i++) { // callback.batch-size-limit; the tick is an hour away in tests
            events.add(TestSupport.statusEvent(merchant, UUID.randomUUID(), "Created", start.plusMillis(i), 0));
        }
        publish(events);
        await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.requests.isEmpty());
        int sent = 0;
        for (Receiver.Request r : receiver.requests) {
            sent += body(r).size();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> items("") == 500);
        assertTrue(sent >= 1, "a batch went before any tick");
    }

    @Inject
    Housekeeping housekeeping;

    @Test
    void aTimeRangeIsReplayedAsANewBatchAndFinishedBatchesArePurgedAfterTheirRetention() throws Exception {
        Instant start = Instant.now().minusSeconds(3600);
        publish(lifecycle(UUID.randomUUID(), start));
        awaitItems(3);
        endpoints.registerApiKey(merchant, "k", receiver.url());
        job.runNow();
        assertEquals(1, receiver.requests.size());

        assertEquals(2, deliveries.replay(merchant, start.plusSeconds(30), start.plusSeconds(600)), "Accepted and Paid");
        job.runNow();
        assertEquals(2, receiver.requests.size());
        JsonNode replayed = body(receiver.requests.get(1));
        assertEquals(2, replayed.size());
        assertEquals("Accepted", replayed.get(0).get("status").asText());
        assertEquals("Paid", replayed.get(1).get("status").asText());
        assertTrue(!receiver.requests.get(0).header("webhook-id").equals(receiver.requests.get(1).header("webhook-id")));
        var refused = org.junit.jupiter.api.Assertions.assertThrows(com.invoicepay.common.web.ApiException.class,
                () -> deliveries.replay(merchant, start, start.minusSeconds(1)));
        assertEquals("12015", refused.code());

        // a pending batch survives the purge; finished ones go after callback.retention.batches (30 days)
        receiver.otherwise(500);
        publish(List.of(TestSupport.statusEvent(merchant, UUID.randomUUID(), "Created", Instant.now(), 0)));
        awaitItems(6);
        job.runNow();
        housekeeping.purgeNow();
        assertEquals(3, batches.list(merchant, null, 10).batches().size(), "nothing is old enough yet");
        TestSupport.moveClock(Duration.ofDays(31));
        housekeeping.purgeNow();
        var left = batches.list(merchant, null, 10).batches();
        assertEquals(1, left.size());
        assertEquals("Pending", left.get(0).state());
        assertEquals(1, items(""), "the purged batches' items and attempts went with them");
    }

    @Test
    void aTestCallbackWithoutAnEndpointIs12012() {
        var refused = org.junit.jupiter.api.Assertions.assertThrows(com.invoicepay.common.web.ApiException.class,
                () -> deliveries.sendTest(merchant, "Paid"));
        assertEquals("12012", refused.code());
        assertEquals(409, refused.status());
    }

    @Test
    void moreItemsThanTheBatchSizeLimitGoInConsecutiveBatchesInOrder() throws Exception {
        pool.preparedQuery("""
                        insert into pending_item (event_id, merchant_id, invoice_id, status, status_date, sequence, received_at)
                        select gen_random_uuid(), $1, gen_random_uuid(), 'Created', now() - make_interval(secs => 10000 - g), 0, now()
                        from generate_series(1, 501) g""")
                .execute(Tuple.of(merchant)).await().atMost(Duration.ofSeconds(10));
        pool.preparedQuery("insert into merchant_delivery (merchant_id) values ($1)").execute(Tuple.of(merchant))
                .await().atMost(Duration.ofSeconds(5));
        endpoints.registerApiKey(merchant, "k", receiver.url());
        job.runNow();
        assertEquals(2, receiver.requests.size());
        JsonNode first = body(receiver.requests.get(0));
        JsonNode second = body(receiver.requests.get(1));
        assertEquals(500, first.size(), "callback.batch-size-limit");
        assertEquals(1, second.size());
        assertTrue(Instant.parse(first.get(499).get("date").asText()).isBefore(Instant.parse(second.get(0).get("date").asText())),
                "the later batch carries the later items");
    }

    @Test
    void afterA500TheBatchWaitsForItsRetryTimeAndThenCarriesNewItemsUnderTheSameWebhookId() throws Exception {
        receiver.then(new Receiver.Answer(500, 0));
        publish(lifecycle(UUID.randomUUID(), Instant.now().minusSeconds(300)).subList(0, 2));
        awaitItems(2);
        endpoints.registerApiKey(merchant, "key-1", receiver.url());
        job.runNow();
        assertEquals(1, receiver.requests.size());
        var failed = onlyBatch();
        assertEquals("Pending", failed.state());
        assertEquals("failed", failed.attemptLog().get(0).outcome());
        assertEquals(500, failed.attemptLog().get(0).statusCode());
        assertNotNull(failed.attemptLog().get(0).nextAttemptAt());

        // a new item arrives while the endpoint is failing: it joins the pending batch
        UUID later = UUID.randomUUID();
        publish(List.of(TestSupport.statusEvent(merchant, later, "Created", Instant.now().minusSeconds(1000), 0)));
        awaitItems(3);
        job.runNow();
        assertEquals(1, receiver.requests.size(), "no retry before its time");

        TestSupport.moveClock(Duration.ofSeconds(6));
        job.runNow();
        assertEquals(2, receiver.requests.size());
        Receiver.Request retry = receiver.requests.get(1);
        assertEquals(receiver.requests.get(0).header("webhook-id"), retry.header("webhook-id"), "webhook-id stable across retries");
        JsonNode items = body(retry);
        assertEquals(3, items.size(), "the retry carries everything pending");
        // the id names the merchant's open batch, not its bytes: the first attempt's items come again unchanged,
        // so a receiver that dedups by (invoiceId, sequence) keeps only the new one
        Set<JsonNode> first = new HashSet<>();
        body(receiver.requests.get(0)).forEach(first::add);
        Set<JsonNode> again = new HashSet<>();
        items.forEach(again::add);
        assertTrue(again.containsAll(first), "the retry repeats the first attempt's items as they were");
        again.removeAll(first);
        assertEquals(Set.of(later.toString()), again.stream().map(i -> i.get("invoiceId").asText()).collect(java.util.stream.Collectors.toSet()));
        assertEquals(later.toString(), items.get(0).get("invoiceId").asText(), "sorted by date: the new, older item first");
        assertTrue(TestSupport.verifies(secret(), retry));
        var delivered = onlyBatch();
        assertEquals("Delivered", delivered.state());
        assertEquals(2, delivered.attemptLog().size());
    }

    @Test
    void aNewEndpointMakesTheBatchWaitingForItsRetryDueAtOnce() throws Exception {
        receiver.then(new Receiver.Answer(500, 0));
        publish(lifecycle(UUID.randomUUID(), Instant.now().minusSeconds(300)).subList(0, 2));
        awaitItems(2);
        endpoints.registerApiKey(merchant, "key-1", receiver.url());
        job.runNow();
        assertEquals("Pending", onlyBatch().state());
        job.runNow();
        assertEquals(1, receiver.requests.size(), "no retry before its time at the old endpoint");

        try (Receiver replacement = new Receiver()) {
            endpoints.registerApiKey(merchant, "key-2", replacement.url());
            job.runNow(); // the clock has not moved: only the new registration makes it due
            assertEquals(1, replacement.requests.size());
            assertEquals("key-2", replacement.requests.get(0).header("Authorization"));
            assertEquals(receiver.requests.get(0).header("webhook-id"), replacement.requests.get(0).header("webhook-id"),
                    "the same batch, so the same webhook-id");
            var batch = onlyBatch();
            assertEquals("Delivered", batch.state());
            assertEquals(2, batch.attemptLog().size());
        }
    }

    @Test
    void noAnswerWithinTheTimeoutIsAFailedAttempt() {
        receiver.then(new Receiver.Answer(200, 3_000)); // test timeout is 2 s
        publish(lifecycle(UUID.randomUUID(), Instant.now().minusSeconds(300)).subList(0, 1));
        awaitItems(1);
        endpoints.registerApiKey(merchant, "key-1", receiver.url());
        job.runNow();
        var batch = onlyBatch();
        assertEquals("Pending", batch.state());
        assertTrue(batch.attemptLog().get(0).error().contains("no response within"), batch.attemptLog().toString());
        TestSupport.moveClock(Duration.ofSeconds(6));
        job.runNow();
        assertEquals("Delivered", onlyBatch().state());
    }

    @Test
    void afterTheLastRetryTheBatchIsDeadLetteredAnnouncedAndCanBeRedelivered() {
        receiver.otherwise(503);
        publish(lifecycle(UUID.randomUUID(), Instant.now().minusSeconds(300)));
        awaitItems(3);
        endpoints.registerApiKey(merchant, "key-1", receiver.url());
        double deadBefore = metrics.counter("callback_dead_letters").count();
        List<Duration> schedule = List.of(Duration.ofSeconds(5), Duration.ofMinutes(19), Duration.ofMinutes(39),
                Duration.parse("PT1H19M"), Duration.parse("PT2H39M"), Duration.parse("PT5H19M"), Duration.parse("PT10H39M"),
                Duration.parse("PT21H19M"));
        Duration offset = Duration.ZERO;
        job.runNow();
        for (Duration wait : schedule) {
            assertEquals("Pending", onlyBatch().state());
            offset = offset.plus(wait).plusSeconds(1);
            TestSupport.moveClock(offset);
            job.runNow();
        }
        var dead = onlyBatch();
        assertEquals("DeadLettered", dead.state());
        assertEquals(9, receiver.requests.size(), "the first attempt and eight retries");
        assertEquals(9, dead.attemptLog().size());
        assertEquals("dead_lettered", dead.attemptLog().get(8).outcome());
        // other tests' leftover batches may die in the same 42 hours: at least this one counted
        assertTrue(metrics.counter("callback_dead_letters").count() >= deadBefore + 1);
        var announced = pool.preparedQuery("""
                        select envelope ->> 'type' as type from outbox_event where record_key = $1 order by seq""")
                .execute(Tuple.of(merchant.toString())).await().atMost(Duration.ofSeconds(5));
        List<String> types = new ArrayList<>();
        announced.forEach(r -> types.add(r.getString("type")));
        assertEquals(8, Collections.frequency(types, "CallbackBatchFailed"), types.toString());
        assertEquals("CallbackBatchDeadLettered", types.get(types.size() - 1));

        job.runNow();
        assertEquals(9, receiver.requests.size(), "a dead letter is not retried by itself");

        receiver.otherwise(204);
        deliveries.redeliver(merchant, dead.batchId());
        job.runNow();
        assertEquals(10, receiver.requests.size());
        assertEquals(dead.batchId().toString(), receiver.requests.get(9).header("webhook-id"));
        assertEquals("Delivered", onlyBatch().state());
    }

    @Test
    void anEndpointThatNowResolvesToAPrivateAddressIsRefusedAtDelivery() {
        publish(lifecycle(UUID.randomUUID(), Instant.now().minusSeconds(300)).subList(0, 1));
        awaitItems(1);
        endpoints.registerApiKey(merchant, "key-1", receiver.url());
        // the row changed behind the API's back (or DNS changed): delivery checks again
        pool.preparedQuery("update callback_endpoint set callback_url = 'https://internal.test/cb' where merchant_id = $1")
                .execute(Tuple.of(merchant)).await().atMost(Duration.ofSeconds(5));
        job.runNow();
        assertEquals(0, receiver.requests.size());
        var batch = onlyBatch();
        assertEquals("Pending", batch.state());
        assertTrue(batch.attemptLog().get(0).error().startsWith("refused"), batch.attemptLog().toString());
    }

    @Test
    void credentialsSealedUnderAnOlderKeyStillOpenAndANewRegistrationUsesTheCurrentKey() {
        publish(lifecycle(UUID.randomUUID(), Instant.now().minusSeconds(300)).subList(0, 1));
        awaitItems(1);
        // a row written before the rotation: sealed with test-1, which is still configured
        CredentialCipher old = new CredentialCipher("test-1", Map.of(
                "test-1", "dGVzdC1rZXktb25lLW9sZC0wMDAwMDAwMDAwMDAwMDE="));
        var sealed = old.seal("old-api-key", "callback-credential:" + merchant);
        pool.preparedQuery("""
                        insert into callback_endpoint (merchant_id, auth_type, callback_url, credential_key_id, credential_ciphertext, updated_at)
                        values ($1, 'ApiKey', $2, $3, $4, now())""")
                .execute(Tuple.of(merchant, receiver.url(), sealed.keyId(), sealed.ciphertext()))
                .await().atMost(Duration.ofSeconds(5));
        endpoints.secrets(merchant);
        job.runNow();
        assertEquals("old-api-key", receiver.requests.get(0).header("Authorization"));

        endpoints.registerApiKey(merchant, "new-api-key", receiver.url());
        assertEquals("test-2", pool.preparedQuery("select credential_key_id from callback_endpoint where merchant_id = $1")
                .execute(Tuple.of(merchant)).await().atMost(Duration.ofSeconds(5)).iterator().next().getString("credential_key_id"));
    }

    @Test
    void aCredentialNoKeyOpensIsAFailedAttemptAndDoesNotStopOtherMerchants() throws Exception {
        publish(lifecycle(UUID.randomUUID(), Instant.now().minusSeconds(300)).subList(0, 1));
        awaitItems(1);
        CredentialCipher retired = new CredentialCipher("retired", Map.of(
                "retired", "cmV0aXJlZC1rZXktbm8tbG9uZ2VyLWNvbmZpZ3VyZWQ="));
        var sealed = retired.seal("lost-key", "callback-credential:" + merchant);
        pool.preparedQuery("""
                        insert into callback_endpoint (merchant_id, auth_type, callback_url, credential_key_id, credential_ciphertext, updated_at)
                        values ($1, 'ApiKey', $2, $3, $4, now())""")
                .execute(Tuple.of(merchant, receiver.url(), sealed.keyId(), sealed.ciphertext()))
                .await().atMost(Duration.ofSeconds(5));
        UUID healthy = UUID.randomUUID();
        try (Receiver other = new Receiver()) {
            endpoints.registerApiKey(healthy, "k", other.url());
            pool.preparedQuery("""
                            insert into pending_item (event_id, merchant_id, invoice_id, status, status_date, sequence, received_at)
                            values ($1, $2, $3, 'Created', now(), 0, now())""")
                    .execute(Tuple.of(UUID.randomUUID(), healthy, UUID.randomUUID())).await().atMost(Duration.ofSeconds(5));
            job.runNow();
            assertEquals(1, other.requests.size(), "the other merchant's callback went");
        }
        assertEquals(0, receiver.requests.size());
        var batch = onlyBatch();
        assertEquals("Pending", batch.state());
        assertTrue(batch.attemptLog().get(0).error().startsWith("cannot prepare"), batch.attemptLog().toString());
    }

    @Test
    void duringASigningSecretRotationBothSecretsSign() {
        publish(lifecycle(UUID.randomUUID(), Instant.now().minusSeconds(300)).subList(0, 1));
        awaitItems(1);
        endpoints.registerApiKey(merchant, "key-1", receiver.url());
        String before = secret();
        List<Endpoints.SigningSecret> both = endpoints.rotate(merchant, Duration.ofHours(1));
        assertEquals(2, both.size());
        job.runNow();
        Receiver.Request request = receiver.requests.get(0);
        assertEquals(2, request.header("webhook-signature").split(" ").length);
        assertTrue(TestSupport.verifies(before, request), "the old secret still verifies during the overlap");
        assertTrue(TestSupport.verifies(both.get(0).secret(), request), "the new secret verifies");

        TestSupport.moveClock(Duration.ofHours(2));
        assertEquals(1, endpoints.secrets(merchant).size(), "after the overlap only the new secret signs");
    }

    @Test
    void aTestCallbackIsSentNowAndRecorded() throws Exception {
        endpoints.registerApiKey(merchant, "key-1", receiver.url());
        var ok = deliveries.sendTest(merchant, "Paid");
        assertTrue(ok.delivered());
        assertEquals("Paid", body(receiver.requests.get(0)).get(0).get("status").asText());
        receiver.otherwise(500);
        var failed = deliveries.sendTest(merchant, "Rejected");
        assertTrue(!failed.delivered());
        assertEquals(500, failed.statusCode());
        assertEquals(2, batches.list(merchant, null, 10).batches().size());
    }
}
