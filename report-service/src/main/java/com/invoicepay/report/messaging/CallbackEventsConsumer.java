package com.invoicepay.report.messaging;

import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.report.ops.OpsCounts;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Counts callback batch deliveries from {@code callback-events} (delivered, failed, dead-lettered)
 * per day for the ops dashboard, idempotent on {@code eventId}. Test callbacks and redelivery
 * requests are not counted.
 */
@ApplicationScoped
public class CallbackEventsConsumer {
    private static final Logger LOG = Logger.getLogger(CallbackEventsConsumer.class);

    private final OpsCounts counts;
    private final MeterRegistry metrics;

    public CallbackEventsConsumer(OpsCounts counts, MeterRegistry metrics) {
        this.counts = counts;
        this.metrics = metrics;
    }

    @Incoming("callback-events")
    public Uni<Void> consume(EventEnvelope event) {
        String metric = event == null ? null : OpsCounts.metricOf(event.type());
        if (metric == null) {
            return Uni.createFrom().voidItem(); // not an envelope (the connector logged it), or not counted
        }
        return counts.count(metric, event)
                // a database hiccup is retried
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(8)
                .invoke(outcome -> {
                    metrics.counter("events_consumed", "consumer", OpsCounts.CONSUMER, "outcome", outcome).increment();
                    LOG.debugf("%s %s %s", outcome, event.type(), event.eventId());
                })
                .replaceWithVoid();
    }
}
