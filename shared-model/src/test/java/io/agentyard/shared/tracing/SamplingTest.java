package io.agentyard.shared.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;

/** Not a @QuarkusTest: which spans the services record, for each way tracing can be configured. */
class SamplingTest {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final Context NO_PARENT = Context.root();
    static final Context SAMPLED_PARENT = parent(TraceFlags.getSampled());
    static final Context UNSAMPLED_PARENT = parent(TraceFlags.getDefault());

    @Test
    void withoutACollectorOrARatioNothingIsRecordedNotEvenUnderASampledCaller() {
        Sampler sampler = Sampling.of(Optional.empty(), false);

        assertEquals(SamplingDecision.DROP, decide(sampler, NO_PARENT, SpanKind.SERVER));
        assertEquals(SamplingDecision.DROP, decide(sampler, SAMPLED_PARENT, SpanKind.SERVER));
        assertEquals(SamplingDecision.DROP, decide(sampler, SAMPLED_PARENT, SpanKind.CLIENT));
    }

    @Test
    void withACollectorEveryTraceIsRecordedButNoLoneClientCall() {
        Sampler sampler = Sampling.of(Optional.empty(), true);

        assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(sampler, NO_PARENT, SpanKind.SERVER));
        assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(sampler, NO_PARENT, SpanKind.PRODUCER));
        assertEquals(SamplingDecision.DROP, decide(sampler, NO_PARENT, SpanKind.CLIENT));
        assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(sampler, SAMPLED_PARENT, SpanKind.CLIENT));
        assertEquals(SamplingDecision.DROP, decide(sampler, UNSAMPLED_PARENT, SpanKind.SERVER));
    }

    @Test
    void aRatioOfZeroStartsNoTraceButFollowsASampledCaller() {
        Sampler sampler = Sampling.of(Optional.of(0.0), true);

        assertEquals(SamplingDecision.DROP, decide(sampler, NO_PARENT, SpanKind.SERVER));
        assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(sampler, SAMPLED_PARENT, SpanKind.SERVER));
    }

    @Test
    void aRatioSetWithoutACollectorStillRecords() {
        // What a test that reads spans from its own processor sets.
        Sampler sampler = Sampling.of(Optional.of(1.0), false);

        assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(sampler, NO_PARENT, SpanKind.SERVER));
    }

    private static SamplingDecision decide(Sampler sampler, Context parent, SpanKind kind) {
        return sampler.shouldSample(parent, TRACE_ID, "span", kind, Attributes.empty(), List.of()).getDecision();
    }

    private static Context parent(TraceFlags flags) {
        SpanContext caller = SpanContext.createFromRemoteParent(TRACE_ID, "00f067aa0ba902b7", flags, TraceState.getDefault());
        return Context.root().with(Span.wrap(caller));
    }
}
