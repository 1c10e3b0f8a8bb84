package com.invoicepay.callback.messaging;

import com.invoicepay.callback.delivery.Deliveries;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.SendTestCallback;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Set;

/**
 * {@code callback-commands} (key merchantId): certification asks for test callbacks of a successful
 * and an unsuccessful status. Envelope type {@code SendTestCallback}, payload {@link SendTestCallback};
 * each outcome goes out on {@code callback-events} as TestCallbackDelivered or TestCallbackFailed
 * carrying the command's eventId. Idempotent on eventId (processed_event, consumer "callback-commands").
 */
@ApplicationScoped
public class CallbackCommandsConsumer {
    private static final Logger LOG = Logger.getLogger(CallbackCommandsConsumer.class);
    static final Set<String> STATUSES = Set.of("Created", "Invalid", "Accepted", "Paid", "Rejected", "Expired", "Canceled");

    private final Deliveries deliveries;

    public CallbackCommandsConsumer(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    @Incoming("callback-commands")
    @Blocking(ordered = true)
    public void consume(EventEnvelope command) {
        if (command == null || !SendTestCallback.TYPE.equals(command.type()) || command.merchantId() == null) {
            return;
        }
        String status = "Paid";
        if (command.payload() != null) {
            try {
                SendTestCallback body = command.payloadAs(SendTestCallback.class);
                if (body.status() != null && STATUSES.contains(body.status())) {
                    status = body.status();
                }
            } catch (IllegalArgumentException unreadable) {
                LOG.warnf("SendTestCallback %s unreadable, sending Paid: %s", command.eventId(), unreadable.getMessage());
            }
        }
        deliveries.sendTestFor(command.merchantId(), status, command)
                .ifPresent(r -> LOG.infof("test callback for %s (%s): %s", command.merchantId(), command.eventId(),
                        r.delivered() ? "delivered" : r.error()));
    }
}
