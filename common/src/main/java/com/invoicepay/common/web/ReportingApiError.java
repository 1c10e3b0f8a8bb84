package com.invoicepay.common.web;

/** The Transaction Reporting API's {@code Error} body of reporting.yaml. */
public record ReportingApiError(String code, String message, String correlationId, String origin) {
}
