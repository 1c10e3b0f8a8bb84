package com.invoicepay.common.gateway;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.events.ApiCall;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.web.CorrelationIds;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.lang.reflect.Method;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code api-activity} record per call that passed the gateway (so its client is known), with
 * the answer's status, so certification can judge what a client version really does. Sent without
 * holding up the answer; a broker outage costs activity records (counted in the metric
 * {@code api_activity_dropped}), never an API call.
 */
public class ApiActivityRecorder {
    private static final Logger LOG = Logger.getLogger(ApiActivityRecorder.class);

    @Inject
    CallerContext caller;
    @Inject
    PlatformConfig config;
    @Inject
    Clock clock;
    @Inject
    MeterRegistry metrics;
    @Inject
    @Channel(Topics.API_ACTIVITY)
    MutinyEmitter<EventEnvelope> emitter;

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
        if (!caller.established()) {
            return; // refused before the gateway knew the client: nothing to attribute
        }
        try {
            var call = new ApiCall(request.getMethod(), routeOf(resource), response.getStatus(), caller.sessionId(),
                    caller.issuedAt(), caller.invoiceId(), caller.observed(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - caller.startedAt()));
            var envelope = EventEnvelope.of(ApiCall.TYPE, ApiCall.SCHEMA_VERSION, clock.instant(), config.serviceName(),
                    caller.merchantId(), caller.eventOrigin(CorrelationIds.of(request)), call);
            emitter.sendMessageAndForget(Message.of(envelope).addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder().withKey(caller.clientId()).build()));
        } catch (RuntimeException e) { // e.g. the emitter's buffer is full while the broker is away
            metrics.counter("api_activity_dropped").increment();
            LOG.warnf("api-activity record dropped: %s", e.toString());
        }
    }

    /** A resource method of its resource class; its route template is worked out once (annotations and a regex per call cost CPU). */
    private record Endpoint(Class<?> resourceClass, Method method) {
    }

    private static final ConcurrentHashMap<Endpoint, String> ROUTES = new ConcurrentHashMap<>();

    private static String routeOf(ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return null;
        }
        return ROUTES.computeIfAbsent(new Endpoint(resource.getResourceClass(), resource.getResourceMethod()),
                ApiActivityRecorder::routeTemplate);
    }

    private static String routeTemplate(Endpoint endpoint) {
        Path onClass = endpoint.resourceClass().getAnnotation(Path.class);
        Path onMethod = endpoint.method().getAnnotation(Path.class);
        String route = (onClass == null ? "" : onClass.value()) + (onMethod == null ? "" : "/" + onMethod.value());
        return route.replaceAll("/+", "/");
    }
}
