package io.agentyard.shared.events;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.vertx.mutiny.core.Vertx;

/**
 * OpenTelemetry for events: the W3C {@code traceparent} an event carries is the OTel context it was
 * written in, its relay round is a PRODUCER span linked to the events it publishes, and each
 * handled event is a CONSUMER span continuing the trace the event was written in, so one trace
 * runs from an API call through the events it causes to the work of their consumers.
 * <p>
 * The envelope's field is W3C by contract, whatever {@code quarkus.otel.propagators} says for
 * HTTP, so the W3C propagator is used here directly.
 */
@ApplicationScoped
public class EventTracing {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<Long> BATCH = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("agentyard.event.type");

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final String TRACEPARENT = "traceparent";

    /** Reads an envelope's {@code traceparent} for the propagator. */
    private static final TextMapGetter<String> ENVELOPE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String traceparent) {
            return List.of(TRACEPARENT);
        }

        @Override
        public String get(String traceparent, String key) {
            return TRACEPARENT.equals(key) ? traceparent : null;
        }
    };

    private final Tracer tracer;
    private final Vertx vertx;
    private final String ownStream;

    EventTracing(OpenTelemetry openTelemetry, Vertx vertx, EventsConfig events) {
        this.tracer = openTelemetry.getTracer("io.agentyard.events");
        this.vertx = vertx;
        this.ownStream = events.streamOf(events.source());
    }

    /**
     * The {@code traceparent} for an event written now: the current span's. Work without one (a
     * background round) gets a PRODUCER span of its own, so the event still starts a trace its
     * consumers continue.
     */
    public String traceparent() {
        Context current = Context.current();
        if (!Span.fromContext(current).getSpanContext().isValid()) {
            Span created = tracer.spanBuilder("create " + ownStream).setSpanKind(SpanKind.PRODUCER)
                    .setNoParent().setAttribute(SYSTEM, "redis").setAttribute(DESTINATION, ownStream)
                    .setAttribute(OPERATION, "create").startSpan();
            created.end();
            current = current.with(created);
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(current, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The span context an event's {@code traceparent} names; invalid when it names none (absent, malformed). */
    public static SpanContext spanContextOf(String traceparent) {
        return Span.fromContext(W3C.extract(Context.root(), traceparent, ENVELOPE)).getSpanContext();
    }

    /**
     * Handles one event in a CONSUMER span, child of the span the event was written in (a new trace
     * when its traceparent is absent or malformed). Runs on the caller's duplicated Vert.x context
     * (the consumer gives each event one), which carries the span, and so the trace ids in the MDC,
     * until the handling ends.
     */
    public <T> Uni<T> consume(EventEnvelope event, String stream, String group, Supplier<Uni<T>> handling) {
        return Uni.createFrom().deferred(() -> {
            Context parent = W3C.extract(Context.root(), event.traceparent(), ENVELOPE);
            Span span = tracer.spanBuilder(event.type() + " process").setParent(parent)
                    .setSpanKind(SpanKind.CONSUMER).setAttribute(SYSTEM, "redis").setAttribute(DESTINATION, stream)
                    .setAttribute(OPERATION, "process").setAttribute(GROUP, group)
                    .setAttribute(MESSAGE_ID, String.valueOf(event.id())).setAttribute(EVENT_TYPE, event.type())
                    .startSpan();
            return within(parent.with(span), span, handling);
        });
    }

    /**
     * One relay round publishing events to {@code stream}: a PRODUCER span linked to each event's
     * own trace (a round carries events of many traces, so it is the child of none of them). The
     * round's Redis and PostgreSQL calls are its children.
     */
    public <T> Uni<T> publish(String stream, List<String> traceparents, Supplier<Uni<T>> publishing) {
        return Uni.createFrom().deferred(() -> {
            SpanBuilder builder = tracer.spanBuilder("publish " + stream).setNoParent()
                    .setSpanKind(SpanKind.PRODUCER).setAttribute(SYSTEM, "redis").setAttribute(DESTINATION, stream)
                    .setAttribute(OPERATION, "publish").setAttribute(BATCH, (long) traceparents.size());
            // a round of 200 events links each trace once (the events of one change share theirs)
            Set<String> linked = new HashSet<>();
            for (String traceparent : traceparents) {
                if (traceparent != null && linked.add(traceparent)) {
                    SpanContext event = spanContextOf(traceparent);
                    if (event.isValid()) {
                        builder.addLink(event);
                    }
                }
            }
            Span span = builder.startSpan();
            return onDuplicatedContext(() -> within(Context.root().with(span), span, publishing));
        });
    }

    /** Makes {@code context} current on this duplicated context while {@code work} runs; ends {@code span} after. */
    private static <T> Uni<T> within(Context context, Span span, Supplier<Uni<T>> work) {
        Scope scope = context.makeCurrent();
        Uni<T> started;
        try {
            started = work.get();
        } catch (RuntimeException failure) {
            started = Uni.createFrom().failure(failure);
        }
        return started.onTermination().invoke((item, failure, cancelled) -> {
            if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            }
            span.end();
            scope.close();
        });
    }

    /** Runs {@code work} on the current duplicated context, or on a new one (a relay round runs on a timer's). */
    private <T> Uni<T> onDuplicatedContext(Supplier<Uni<T>> work) {
        if (VertxContext.isOnDuplicatedContext()) {
            return work.get();
        }
        return Uni.createFrom().emitter(emitter -> {
            io.vertx.core.Context context = VertxContext.createNewDuplicatedContext(
                    vertx.getDelegate().getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> work.get().subscribe().with(emitter::complete, emitter::fail));
        });
    }
}
