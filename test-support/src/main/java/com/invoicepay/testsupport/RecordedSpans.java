package com.invoicepay.testsupport;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every span the service under test ends, kept in memory: Quarkus hands each CDI SpanProcessor the spans even with
 * the exporter off ({@code quarkus.otel.traces.exporter=none}), so a test can see a span's links and parents.
 * A bean of every @QuarkusTest through test-support's beans.xml.
 */
@ApplicationScoped
public class RecordedSpans implements SpanProcessor {
    private static final Queue<SpanData> ENDED = new ConcurrentLinkedQueue<>();

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
