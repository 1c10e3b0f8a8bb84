package com.invoicepay.common.events;

/**
 * The Kafka topics of the platform (DESIGN.md "Events"). Channel names in every service's
 * application.properties equal these names; the topic itself may carry a prefix
 * ({@code invoicepay.topic-prefix}, "test-" in tests) so tests never share a topic with the running stack.
 */
public final class Topics {
    /** Key merchantId. Invoice status changes and consent changes, in order per merchant. */
    public static final String INVOICE_EVENTS = "invoice-events";
    /** Key clientId. One record per API call, judged by certification-service. */
    public static final String API_ACTIVITY = "api-activity";
    /** Key merchantId. Delivered, failed and dead-lettered callback batches, test callbacks. */
    public static final String CALLBACK_EVENTS = "callback-events";
    /** Key merchantId. Requests to send test callbacks. */
    public static final String CALLBACK_COMMANDS = "callback-commands";
    /** Key clientId. ClientVersionCertified, CertificationRetracted. */
    public static final String CERTIFICATION_EVENTS = "certification-events";
    /** Key merchantId. TransferExecuted, ReconciliationCompleted, daily summaries. */
    public static final String REPORT_EVENTS = "report-events";

    public static final java.util.List<String> ALL = java.util.List.of(
            INVOICE_EVENTS, API_ACTIVITY, CALLBACK_EVENTS, CALLBACK_COMMANDS, CERTIFICATION_EVENTS, REPORT_EVENTS);

    private Topics() {
    }
}
