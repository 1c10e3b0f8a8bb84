package com.invoicepay.common.web;

import com.invoicepay.common.config.PlatformConfig;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a declared body over {@code invoicepay.api.max-body-bytes} with a 413 and the API's error
 * body before anything reads it. The HTTP layer's own limit ({@code quarkus.http.limits.max-body-size},
 * set a little higher) stays as the backstop for bodies without a Content-Length; it answers a bare 413.
 */
public class BodyLimit {
    /** A Provider: pre-matching filters are built at static init, before runtime config exists. */
    @Inject
    Provider<PlatformConfig> config;
    @Inject
    ErrorResponses errors;

    @ServerRequestFilter(preMatching = true, priority = 2)
    public Response check(ContainerRequestContext request) {
        long limit = config.get().api().maxBodyBytes();
        if (request.getLength() > limit) {
            return errors.of(413, ErrorKind.InputError, PlatformErrors.BODY_TOO_LARGE,
                    "The request body is larger than the limit of " + limit + " bytes.", CorrelationIds.of(request));
        }
        return null;
    }
}
