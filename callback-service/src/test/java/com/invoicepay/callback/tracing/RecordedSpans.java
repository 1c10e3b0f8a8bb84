package com.invoicepay.callback.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every span the service under test ends, kept in memory: Quarkus hands each CDI SpanProcessor the spans even with
 * the exporter off ({@code quarkus.otel.traces.exporter=none}), so a test can see a span's links and parents.
 */
@ApplicationScoped
public class RecordedSpans implements SpanProcessor {
    private static final List<SpanData> ENDED = new CopyOnWriteArrayList<>();

    public static List<SpanData> named(String name) {
        return ENDED.stream().filter(s -> s.getName().equals(name)).toList();
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        ENDED.add(span.toSpanData());
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }
}
