package com.invoicepay.common.web;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The Invoice API's error body. snake_case on the wire, as every example of invoice.yaml shows
 * (its generated ErrorDetails schema says camelCase; the examples are the wire format).
 */
public record InvoiceApiError(
        @JsonProperty("correlation_id") String correlationId,
        @JsonProperty("error") ErrorKind error,
        @JsonProperty("error_code") String errorCode,
        @JsonProperty("error_description") String errorDescription,
        @JsonProperty("error_context") String errorContext) {
}
