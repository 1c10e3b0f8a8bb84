package com.invoicepay.common.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The W3C {@code traceparent} of a span as text, and back: the form in which a trace context waits in an outbox row
 * or a pending item until the work it started continues (a Kafka record, a callback batch, a transfer).
 */
public final class TraceContexts {
    /** The header name, in HTTP and in Kafka records alike. */
    public static final String TRACEPARENT = "traceparent";

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceContexts() {
    }

    /** The current span's traceparent, or null when no span is recording here (tracing off, or outside any trace). */
    public static String current() {
        return of(Context.current());
    }

    /** The traceparent of the span in {@code context}, or null when it has none. */
    public static String of(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** A context whose parent is the (remote) span of {@code traceparent}; the root context when it is null or malformed. */
    public static Context parent(String traceparent) {
        if (traceparent == null) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(TRACEPARENT, traceparent), MAP);
    }

    /** The span context of {@code traceparent}, for a link from an aggregate; invalid when null or malformed. */
    public static SpanContext spanContext(String traceparent) {
        return Span.fromContext(parent(traceparent)).getSpanContext();
    }

    /** The valid span contexts among {@code traceparents}, each once: the links of a span that carries many items. */
    public static List<SpanContext> links(Iterable<String> traceparents) {
        Map<String, SpanContext> distinct = new java.util.LinkedHashMap<>();
        for (String traceparent : traceparents) {
            SpanContext context = spanContext(traceparent);
            if (context.isValid()) {
                distinct.putIfAbsent(context.getTraceId() + context.getSpanId(), context);
            }
        }
        return List.copyOf(distinct.values());
    }
}
