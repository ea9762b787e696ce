package io.agentyard.shared.tracing;

import java.util.List;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

/**
 * The sampler every service uses (Quarkus takes a CDI {@link Sampler} over its configured one):
 * a span follows its parent's decision; a trace starts (at the configured ratio,
 * {@code quarkus.otel.traces.sampler.arg}) from a request, an event or a relay round, but never
 * from a lone database or Redis call. Background loops (the relay's polls, consumers' blocking
 * reads, lease reapers) issue such calls many times a second outside any span; recording each as
 * a trace of its own would bury the traces that matter.
 */
public class Sampling {

    @Produces
    @Singleton
    Sampler sampler(@ConfigProperty(name = "quarkus.otel.traces.sampler.arg", defaultValue = "1.0") String ratio) {
        return Sampler.parentBased(new NoOrphanClientSpans(Sampler.traceIdRatioBased(Double.parseDouble(ratio))));
    }

    /** For spans without a parent: drops CLIENT spans, samples the others by {@code roots}. */
    static final class NoOrphanClientSpans implements Sampler {

        private final Sampler roots;

        NoOrphanClientSpans(Sampler roots) {
            this.roots = roots;
        }

        @Override
        public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                                           Attributes attributes, List<LinkData> parentLinks) {
            if (spanKind == SpanKind.CLIENT) {
                return SamplingResult.drop();
            }
            return roots.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
        }

        @Override
        public String getDescription() {
            return "NoOrphanClientSpans{" + roots.getDescription() + "}";
        }
    }
}
