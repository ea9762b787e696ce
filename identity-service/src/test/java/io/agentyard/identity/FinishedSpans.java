package io.agentyard.identity;

import java.util.List;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * Every span identity-service finishes in tests, kept in memory. A processor (not an exporter bean)
 * so each span is there the moment it ends, without the batch processor's delay.
 */
@Singleton
public class FinishedSpans {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

    @Produces
    @Singleton
    SpanProcessor inMemory() {
        return SimpleSpanProcessor.create(exporter);
    }

    public List<SpanData> all() {
        return exporter.getFinishedSpanItems();
    }

    public List<SpanData> ofTrace(String traceId) {
        return all().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }
}
