package com.invoicepay.common.web;

import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A correlation id on every request: the caller's {@code CorrelationId} header when it is a sane
 * token, else a new UUID. It is put in the log MDC (key {@code correlationId}), echoed in the
 * response header, written into error bodies and into every event the request causes.
 */
public class CorrelationIds {
    public static final String HEADER = "CorrelationId";
    public static final String MDC_KEY = "correlationId";
    private static final String PROPERTY = "invoicepay.correlation-id";
    /** Accept caller ids that cannot smuggle anything into logs or headers. */
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    @ServerRequestFilter(preMatching = true, priority = 1)
    public void assign(ContainerRequestContext request) {
        String given = request.getHeaderString(HEADER);
        String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        request.setProperty(PROPERTY, id);
        MDC.put(MDC_KEY, id);
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(HEADER, id);
        }
    }

    /** The correlation id of the request being served. */
    public static String of(ContainerRequestContext request) {
        Object id = request == null ? null : request.getProperty(PROPERTY);
        return id != null ? id.toString() : current();
    }

    /** The correlation id of the current request's context (MDC follows it), or a new one outside requests. */
    public static String current() {
        Object id = MDC.get(MDC_KEY);
        return id != null ? id.toString() : UUID.randomUUID().toString();
    }
}
