package com.invoicepay.common.housekeeping;

import com.invoicepay.common.config.PlatformConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Purges the two tables every service has (DESIGN.md "Housekeeping every service does"): outbox rows
 * published longer ago than {@code invoicepay.retention.outbox}, and dedup rows of consumed events
 * older than {@code invoicepay.retention.processed-events}, which must outlast any redelivery (the
 * topics keep records 7 days). Rows not yet published are never purged. Times on the (sandbox) clock;
 * deletes go in bounded chunks, each its own statement, so a long backlog never holds one long
 * transaction, and two replicas purging at once only share the work.
 */
@ApplicationScoped
public class EventTablesPurge {
    private static final Logger LOG = Logger.getLogger(EventTablesPurge.class);
    static final int CHUNK = 5_000;

    public record Purged(long outboxEvents, long processedEvents) {
    }

    private final Pool pool;
    private final Clock clock;
    private final PlatformConfig config;

    public EventTablesPurge(Pool pool, Clock clock, PlatformConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.config = config;
    }

    @Scheduled(every = "${invoicepay.retention.purge-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Disabled.class)
    Uni<Void> tick() {
        return purgeNow().invoke(purged -> {
            if (purged.outboxEvents() + purged.processedEvents() > 0) {
                LOG.infof("housekeeping: %s", purged);
            }
        }).onFailure().invoke(e -> LOG.warnf("housekeeping failed, retrying on the next tick: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Purges what is due now; the outbox only where this service has one ({@code invoicepay.outbox.enabled}). */
    public Uni<Purged> purgeNow() {
        Instant now = clock.instant();
        Uni<Long> outbox = !config.outbox().enabled() ? Uni.createFrom().item(0L) : drain("""
                delete from outbox_event where event_id in (
                  select event_id from outbox_event where sent_at is not null and sent_at < $1 limit $2)""",
                at(now.minus(config.retention().outbox())));
        return outbox.chain(outboxEvents -> drain("""
                        delete from processed_event where (consumer, event_id) in (
                          select consumer, event_id from processed_event where processed_at < $1 limit $2)""",
                        at(now.minus(config.retention().processedEvents())))
                .map(processed -> new Purged(outboxEvents, processed)));
    }

    private Uni<Long> drain(String delete, OffsetDateTime cutoff) {
        return Chunked.repeat(pool, delete, Tuple.of(cutoff, CHUNK), CHUNK);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Off where {@code invoicepay.retention.enabled=false}. */
    @ApplicationScoped
    public static class Disabled implements Scheduled.SkipPredicate {
        private final PlatformConfig config;

        public Disabled(PlatformConfig config) {
            this.config = config;
        }

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return !config.retention().enabled();
        }
    }
}
