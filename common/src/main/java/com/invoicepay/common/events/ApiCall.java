package com.invoicepay.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Payload of {@code api-activity} records (type {@value #TYPE}): one API call of an integrator's
 * client, as certification judges it. Client, client version, merchant and correlation id are in
 * the envelope; the record key is the client id.
 *
 * @param method         HTTP method
 * @param route          the route template, e.g. {@code /api/v1/merchants/{merchantId}/invoices}
 * @param status         the status code answered
 * @param sessionId      the token's {@code sid}: the same across refreshes of one consent
 * @param tokenIssuedAt  the token's {@code iat}: later after a refresh
 * @param invoiceId      the invoice the call concerned, where there is one
 * @param values         business values the call carried (amount, references), where there are some
 * @param durationMillis time to answer
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiCall(String method, String route, int status, String sessionId, Instant tokenIssuedAt,
                      UUID invoiceId, Map<String, String> values, long durationMillis) {
    public static final String TYPE = "ApiCall";
    public static final int SCHEMA_VERSION = 1;
}
