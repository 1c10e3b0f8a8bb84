package com.invoicepay.report.rest;

import com.invoicepay.common.web.CorrelationIds;
import com.invoicepay.common.web.ErrorKind;
import com.invoicepay.common.web.ErrorResponses;
import com.invoicepay.common.web.PlatformErrors;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import com.invoicepay.report.config.ReportConfig;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The platform's body limit is raised in this service for bank statements, whose upload streams to a
 * file; every other request keeps {@code report.api.max-body-bytes} (10 MiB), since it is read into memory.
 */
public class RequestBodyLimit {
    static final String STATEMENT_UPLOAD = "/api/v1/reconciliations";

    /** A Provider: pre-matching filters are built at static init, before runtime config exists. */
    @Inject
    Provider<ReportConfig> config;
    @Inject
    ErrorResponses errors;

    @ServerRequestFilter(preMatching = true, priority = 3)
    public Response check(ContainerRequestContext request) {
        if ("POST".equals(request.getMethod()) && STATEMENT_UPLOAD.equals(request.getUriInfo().getPath())) {
            return null;
        }
        long limit = config.get().api().maxBodyBytes();
        if (request.getLength() > limit) {
            return errors.of(413, ErrorKind.InputError, PlatformErrors.BODY_TOO_LARGE,
                    "The request body is larger than the limit of " + limit + " bytes.", CorrelationIds.of(request));
        }
        return null;
    }
}
