package com.invoicepay.callback.delivery;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Every {@code callback.flush-interval} (5 s by default): flush pending items into batches and
 * deliver what is due. Runs on a worker thread; a pass that is still running makes the next tick skip.
 * On shutdown no new pass starts; a pass in flight finishes, and a claim it could not finish expires
 * (lease) and is taken by another replica or the next start.
 */
@ApplicationScoped
public class DeliveryJob {
    private static final Logger LOG = Logger.getLogger(DeliveryJob.class);

    private final Deliveries deliveries;
    private volatile boolean stopping;

    public DeliveryJob(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping = true;
    }

    @Scheduled(every = "${callback.flush-interval:5s}", delayed = "${callback.flush-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (stopping) {
            return;
        }
        try {
            Deliveries.PassOutcome outcome = runNow();
            if (outcome.delivered() + outcome.failed() + outcome.deadLettered() > 0) {
                LOG.debugf("callbacks: %s", outcome);
            }
        } catch (RuntimeException e) {
            LOG.warnf("callback flush pass failed, retrying on the next tick: %s", e.toString());
        }
    }

    /** One flush now, serialized with the scheduled ones of this replica. */
    public synchronized Deliveries.PassOutcome runNow() {
        return deliveries.flushAll();
    }
}
