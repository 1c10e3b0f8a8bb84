package com.invoicepay.common.web;

import com.invoicepay.common.config.PlatformConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** Builds the error body of the API this service speaks (see {@link PlatformConfig.Api#errorStyle()}). */
@ApplicationScoped
public class ErrorResponses {
    private final PlatformConfig config;

    public ErrorResponses(PlatformConfig config) {
        this.config = config;
    }

    public Response of(ApiException e, String correlationId) {
        return of(e.status(), e.kind(), e.code(), e.description(), correlationId, e.headers());
    }

    public Response of(int status, ErrorKind kind, String code, String description, String correlationId) {
        return of(status, kind, code, description, correlationId, Map.of());
    }

    public Response of(int status, ErrorKind kind, String code, String description, String correlationId,
                       Map<String, String> headers) {
        Object body = switch (config.api().errorStyle()) {
            case invoice -> new InvoiceApiError(correlationId, kind, code, description, config.api().errorContext());
            case reporting -> new ReportingApiError(code, description, correlationId, config.serviceName());
        };
        Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
        headers.forEach(builder::header);
        if (correlationId != null) {
            builder.header(CorrelationIds.HEADER, correlationId);
        }
        return builder.build();
    }
}
