package com.invoicepay.callback.delivery;

import com.invoicepay.callback.config.CallbackConfig;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static com.invoicepay.callback.registration.Endpoints.at;

/**
 * Purges what has served its time (DESIGN.md "Housekeeping"): finished batches with their items and
 * attempts after {@code callback.retention.batches}, and signing secrets whose overlap ended. Pending
 * batches are never purged. Times on the (sandbox) clock. Sent outbox rows and processed-events rows
 * go as in every service (common's EventTablesPurge).
 */
@ApplicationScoped
public class Housekeeping {
    private static final Logger LOG = Logger.getLogger(Housekeeping.class);

    public record Purged(long batches, long secrets) {
    }

    private final Pool pool;
    private final Clock clock;
    private final CallbackConfig config;

    public Housekeeping(Pool pool, Clock clock, CallbackConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.config = config;
    }

    @Scheduled(every = "${callback.retention.purge-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            Purged purged = purgeNow();
            if (purged.batches() + purged.secrets() > 0) {
                LOG.infof("callback housekeeping: %s", purged);
            }
        } catch (RuntimeException e) {
            LOG.warnf("callback housekeeping failed, retrying on the next tick: %s", e.toString());
        }
    }

    public Purged purgeNow() {
        Instant now = clock.instant();
        Tuple batchCutoff = Tuple.of(at(now.minus(config.retention().batches())));
        return pool.withTransaction(c -> c.preparedQuery("""
                                create temporary table purge_batch on commit drop as
                                select id from callback_batch where state <> 'Pending'
                                  and coalesce(delivered_at, dead_lettered_at, created_at) < $1""")
                        .execute(batchCutoff)
                        .chain(() -> c.query("delete from delivery_attempt where batch_id in (select id from purge_batch)").execute())
                        .chain(() -> c.query("delete from pending_item where batch_id in (select id from purge_batch)").execute())
                        .chain(() -> c.query("delete from callback_batch where id in (select id from purge_batch)").execute())
                        .chain(batches -> c.preparedQuery("delete from signing_secret where expires_at < $1")
                                .execute(Tuple.of(at(now)))
                                .map(secrets -> new Purged(batches.rowCount(), secrets.rowCount()))))
                .await().atMost(Duration.ofSeconds(120));
    }
}
