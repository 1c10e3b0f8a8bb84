package com.invoicepay.invoice.housekeeping;

import com.invoicepay.common.housekeeping.EventTablesPurge;
import com.invoicepay.invoice.rest.Idempotency;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md "Housekeeping every service does": published outbox rows go after 7 days, dedup rows after
 * 14, idempotency records after their 24 hours; an unpublished event and anything younger stay.
 * The rows are this test's own (marked by a random key), dated from the service's clock.
 */
@QuarkusTest
class HousekeepingTest {
    @Inject
    Pool pool;
    @Inject
    Clock clock;
    @Inject
    EventTablesPurge purge;
    @Inject
    Idempotency idempotency;

    @Test
    void publishedOutboxRowsAfterSevenDaysAndDedupRowsAfterFourteenAreGoneTheRestStays() {
        String key = "housekeeping-" + UUID.randomUUID();
        Instant now = clock.instant();
        // more old rows than one delete chunk, so the purge has to go round
        int oldSent = 5_003;
        sql("""
                insert into outbox_event (event_id, topic, record_key, envelope, created_at, sent_at)
                select gen_random_uuid(), 'test-housekeeping', $1, '{}'::jsonb, $2, $2 from generate_series(1, $3)""",
                key, at(now.minus(Duration.ofDays(8))), oldSent);
        sql("""
                insert into outbox_event (event_id, topic, record_key, envelope, created_at, sent_at)
                values (gen_random_uuid(), 'test-housekeeping', $1, '{}'::jsonb, $2, $3)""",
                key, at(now.minus(Duration.ofDays(6))), at(now.minus(Duration.ofDays(6))));
        sql("""
                insert into processed_event (consumer, event_id, event_type, processed_at)
                values ($1, gen_random_uuid(), 'Old', $2), ($1, gen_random_uuid(), 'Recent', $3)""",
                key, at(now.minus(Duration.ofDays(15))), at(now.minus(Duration.ofDays(13))));

        EventTablesPurge.Purged purged = purge.purgeNow().await().atMost(Duration.ofSeconds(60));

        assertTrue(purged.outboxEvents() >= oldSent, purged.toString());
        assertEquals(1, count("select count(*) from outbox_event where record_key = $1", key), "the 6-day-old row stays");
        assertEquals(1, count("select count(*) from processed_event where consumer = $1", key));
        assertEquals(1, count("select count(*) from processed_event where consumer = $1 and event_type = 'Recent'", key));
        assertTrue(purged.processedEvents() >= 1, purged.toString());
    }

    @Test
    void anEventNeverPublishedIsNeverPurgedHoweverOld() {
        String key = "housekeeping-" + UUID.randomUUID();
        // far older than the retention, and not sent: the relay may publish it meanwhile (then its sent_at is now)
        sql("""
                insert into outbox_event (event_id, topic, record_key, envelope, created_at)
                values (gen_random_uuid(), 'test-housekeeping', $1, '{}'::jsonb, $2)""",
                key, at(clock.instant().minus(Duration.ofDays(40))));
        purge.purgeNow().await().atMost(Duration.ofSeconds(60));
        assertEquals(1, count("select count(*) from outbox_event where record_key = $1", key));
    }

    @Test
    void idempotencyRecordsGoAfterTheir24Hours() {
        String client = "housekeeping-" + UUID.randomUUID();
        UUID merchant = UUID.randomUUID();
        sql("""
                insert into idempotency_record (client_id, merchant_id, route, idem_key, request_hash, created_at)
                values ($1, $2, 'POST /invoices', 'old', 'h', now() - interval '25 hours'),
                       ($1, $2, 'POST /invoices', 'young', 'h', now() - interval '23 hours')""", client, merchant);
        int purged = idempotency.purgeExpired().await().atMost(Duration.ofSeconds(30));
        assertTrue(purged >= 1, "purged " + purged);
        assertEquals(1, count("select count(*) from idempotency_record where client_id = $1", client));
        assertEquals(1, count("select count(*) from idempotency_record where client_id = $1 and idem_key = 'young'", client));
    }

    private void sql(String statement, Object... args) {
        pool.preparedQuery(statement).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(30));
    }

    private long count(String query, Object... args) {
        return pool.preparedQuery(query).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(30))
                .iterator().next().getLong(0);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
