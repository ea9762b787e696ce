package io.agentyard.shared.tracing;

import java.util.List;
import java.util.Optional;

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
 * The sampler every service uses (Quarkus takes a CDI {@link Sampler} over its configured one).
 *
 * <p>Spans are recorded only when something receives them: with no collector
 * ({@code AGENTYARD_OTLP_ENDPOINT} blank) and no ratio set, nothing is recorded. Spans still exist
 * then, so trace and span ids go into events and logs and on to other services; only their
 * attributes, timings and exception texts are not built. Recording them for nobody cost a third of
 * a rejected request's CPU and about a tenth of an empty claim's ({@code bench/floor.sh}).
 *
 * <p>When recording, a span follows its parent's decision; a trace starts (at
 * {@code AGENTYARD_TRACE_SAMPLE_RATIO}, 1.0 by default) from a request, an event or a relay round,
 * but never from a lone database or Redis call. Background loops (the relay's polls, consumers'
 * blocking reads, lease reapers) issue such calls many times a second outside any span; recording
 * each as a trace of its own would bury the traces that matter.
 */
public class Sampling {

    @Produces
    @Singleton
    Sampler sampler(@ConfigProperty(name = "agentyard.tracing.sample-ratio") Optional<Double> ratio,
                    @ConfigProperty(name = "quarkus.otel.exporter.otlp.traces.endpoint") Optional<String> endpoint) {
        return of(ratio, endpoint.filter(url -> !url.isBlank()).isPresent());
    }

    static Sampler of(Optional<Double> ratio, boolean exporting) {
        if (!records(ratio.isPresent(), exporting)) {
            return Sampler.alwaysOff();
        }
        return Sampler.parentBased(new NoOrphanClientSpans(Sampler.traceIdRatioBased(ratio.orElse(1.0))));
    }

    /** Whether any span is recorded: a collector receives them, or a ratio asks for them. */
    static boolean records(boolean ratioSet, boolean exporting) {
        return ratioSet || exporting;
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
