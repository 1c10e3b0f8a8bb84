package com.invoicepay.callback.delivery;

import com.invoicepay.callback.config.CallbackConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every {@code callback.flush-interval} (5 s by default) after the previous pass started, checked every
 * {@code callback.flush-check-interval}, and at once when a merchant's pending items reach
 * {@code callback.batch-size-limit} ({@link #nudge()}): flush pending items into batches and deliver
 * what is due. A pass loops while it finds work, so an item waits at most one interval plus a check,
 * however long the passes take. Passes of this replica never overlap. On shutdown no new pass starts
 * and the one in flight is given time to finish; a claim it could not finish expires (lease) and is taken by
 * another replica or the next start, with the same webhook-id.
 */
@ApplicationScoped
public class DeliveryJob {
    private static final Logger LOG = Logger.getLogger(DeliveryJob.class);

    private final Deliveries deliveries;
    private final long intervalNanos;
    /** Real time (not the sandbox clock): the flush interval is about receivers, not invoices. */
    private volatile long lastPassStart = System.nanoTime();
    private final ReentrantLock passes = new ReentrantLock();
    private final AtomicBoolean nudged = new AtomicBoolean();
    private volatile boolean stopping;

    public DeliveryJob(Deliveries deliveries, CallbackConfig config) {
        this.deliveries = deliveries;
        this.intervalNanos = config.flushInterval().toNanos();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping = true;
        try {
            if (passes.tryLock(20, TimeUnit.SECONDS)) { // the pass in flight finishes first
                passes.unlock();
            } else {
                LOG.warn("a callback pass is still running at shutdown; its claims will expire and be taken again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Scheduled(every = "${callback.flush-check-interval:250ms}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (System.nanoTime() - lastPassStart >= intervalNanos) {
            tick();
        }
    }

    private void tick() {
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

    /** A pass soon, off the caller's thread (a merchant reached the batch size limit). */
    public void nudge() {
        if (!stopping && nudged.compareAndSet(false, true)) {
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                nudged.set(false);
                tick();
            });
        }
    }

    /** Runs {@code work} serialized with the passes of this replica (tests claim without delivering). */
    <T> T exclusive(java.util.function.Supplier<T> work) {
        passes.lock();
        try {
            return work.get();
        } finally {
            passes.unlock();
        }
    }

    /** One flush now, serialized with the other passes of this replica. */
    public Deliveries.PassOutcome runNow() {
        passes.lock();
        try {
            lastPassStart = System.nanoTime();
            return deliveries.flushAll();
        } finally {
            passes.unlock();
        }
    }
}
