package io.agentyard.identity;

import static io.agentyard.identity.IdentityApi.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventJson;
import io.agentyard.shared.events.EventTracing;
import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.events.Uuids;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.arc.Arc;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.opentelemetry.runtime.exporter.otlp.tracing.LateBoundSpanProcessor;
import io.quarkus.opentelemetry.runtime.exporter.otlp.tracing.RemoveableLateBoundSpanProcessor;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * OpenTelemetry across a request, the events it causes and their consumers: one trace, with the
 * PostgreSQL and Redis calls under the spans that made them (real PostgreSQL and Redis; the spans
 * are kept in memory by {@link FinishedSpans}).
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class TracingTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

    final IdentityApi api = new IdentityApi();

    @Inject
    FinishedSpans spans;

    @Inject
    TracedHandler handler;

    @Inject
    EventStreams streams;

    @Inject
    Outbox outbox;

    @Test
    void aRequestTheEventItCausesAndItsConsumerShareOneTrace() {
        String username = uniqueName("trace");
        String userId = api.request()
                .body(Map.of("username", username, "email", username + "@example.com", "password", IdentityApi.PASSWORD))
                .post("/api/auth/register").then().statusCode(201).extract().path("id");
        Eventually.await(WAIT, "user.registered on the stream", () -> eventAbout(userId) != null);
        EventEnvelope event = eventAbout(userId);
        SpanContext writtenIn = EventTracing.spanContextOf(event.traceparent());
        assertTrue(writtenIn.isValid(), event.traceparent());

        SpanData request = await("the request's server span", writtenIn.getTraceId(),
                span -> span.getKind() == SpanKind.SERVER);
        assertFalse(request.getParentSpanContext().isValid(), "the request started the trace");
        assertTrue(request.getName().contains("/api/auth/register"), request.getName());
        assertEquals(request.getSpanId(), writtenIn.getSpanId(), "the event is written in the request's span");
        List<SpanData> queries = spans.ofTrace(writtenIn.getTraceId()).stream()
                .filter(span -> isPostgres(span) && span.getParentSpanId().equals(request.getSpanId())).toList();
        assertTrue(queries.stream().anyMatch(span -> span.getName().equals("INSERT identity.users")), queries.toString());
        assertTrue(queries.stream().anyMatch(span -> span.getName().equals("INSERT identity.outbox")), queries.toString());

        SpanData consumed = await("the consumer's span", writtenIn.getTraceId(),
                span -> span.getKind() == SpanKind.CONSUMER && event.id().toString().equals(span.getAttributes().get(MESSAGE_ID)));
        assertEquals("user.registered process", consumed.getName());
        assertEquals(writtenIn.getSpanId(), consumed.getParentSpanId(), "a child of the span the event was written in");
        assertEquals(consumed.getSpanId(), handler.handledIn(event.id()).getSpanId(),
                "the handler runs in the consumer's span, across its database round trip");
        await("the consumer's PostgreSQL calls under its span", writtenIn.getTraceId(),
                span -> isPostgres(span) && span.getParentSpanId().equals(consumed.getSpanId()));

        SpanData round = awaitAny("the relay round that published the event", span -> span.getKind() == SpanKind.PRODUCER
                && span.getName().equals("publish " + streams.identityStream())
                && span.getLinks().stream().anyMatch(link -> link.getSpanContext().equals(writtenIn)));
        assertFalse(round.getParentSpanContext().isValid(), "a round publishes many traces' events: linked, not a child");
        assertTrue(spans.ofTrace(round.getTraceId()).stream().anyMatch(span -> span.getKind() == SpanKind.CLIENT
                        && "redis".equals(dbSystem(span)) && span.getParentSpanId().equals(round.getSpanId())),
                "its Redis call (the XADDs of the round) is a span under it");
    }

    @Test
    void anEventWrittenOutsideAnySpanStartsATraceItsConsumerContinues() throws Throwable {
        String subject = UUID.randomUUID().toString();
        EventEnvelope event = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> outbox.record(TracedHandler.TRACED, subject, Map.of("n", 1))));
        SpanContext writtenIn = EventTracing.spanContextOf(event.traceparent());
        assertTrue(writtenIn.isValid(), event.traceparent());

        SpanData created = await("the producer span the event was written in", writtenIn.getTraceId(),
                span -> span.getSpanId().equals(writtenIn.getSpanId()));
        assertEquals(SpanKind.PRODUCER, created.getKind());
        assertFalse(created.getParentSpanContext().isValid());
        SpanData consumed = await("the consumer's span", writtenIn.getTraceId(), span -> span.getKind() == SpanKind.CONSUMER);
        assertEquals(created.getSpanId(), consumed.getParentSpanId());
    }

    @Test
    void aMalformedOrMissingTraceparentDoesNotStopHandling() {
        List<String> unusable = java.util.Arrays.asList("garbage", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
                "00-00000000000000000000000000000000-b7ad6b7169203331-01", null);
        for (String traceparent : unusable) {
            EventEnvelope event = new EventEnvelope(Uuids.timeOrdered(), TracedHandler.TRACED, "identity",
                    UUID.randomUUID().toString(), Instant.now(), 1, traceparent, EventJson.tree(Map.of("n", 1)));
            streams.add(streams.identityStream(), event);
            Eventually.await(WAIT, "handled despite traceparent " + traceparent,
                    () -> handler.handledIn(event.id()) != null);
            SpanContext handledIn = handler.handledIn(event.id());
            assertTrue(handledIn.isValid(), "in a span of a new trace");
            SpanData consumed = await("the consumer's span", handledIn.getTraceId(), span -> span.getKind() == SpanKind.CONSUMER);
            assertFalse(consumed.getParentSpanContext().isValid(), "a new trace for " + traceparent);
            assertNotEquals("0af7651916cd43dd8448eb211c80319c", consumed.getTraceId());
        }
    }

    @Test
    void backgroundLoopsStartNoTraces() throws InterruptedException {
        // the relay polls every 100 ms in tests and the consumers keep reading: none of it is a trace
        Thread.sleep(500);
        List<SpanData> orphans = spans.all().stream()
                .filter(span -> span.getKind() == SpanKind.CLIENT && !span.getParentSpanContext().isValid()).toList();
        assertEquals(List.of(), orphans);
        assertTrue(spans.all().stream().noneMatch(span -> span.getKind() == SpanKind.PRODUCER
                && span.getName().startsWith("publish ") && span.getLinks().isEmpty()), "an idle relay round leaves no span");
    }

    @Test
    void withoutAnEndpointNothingIsExported() {
        // AGENTYARD_OTLP_ENDPOINT unset: Quarkus installs its no-op processor, not the OTLP exporter
        assertInstanceOf(RemoveableLateBoundSpanProcessor.class,
                Arc.container().select(LateBoundSpanProcessor.class).get());
        assertTrue(Arc.container().select(SpanProcessor.class).stream().count() >= 1);
    }

    private EventEnvelope eventAbout(String subject) {
        return streams.identityEvents().stream().filter(e -> subject.equals(e.subjectId())).findFirst().orElse(null);
    }

    private SpanData await(String what, String traceId, Predicate<SpanData> wanted) {
        Eventually.await(WAIT, what, () -> spans.ofTrace(traceId).stream().anyMatch(wanted));
        return spans.ofTrace(traceId).stream().filter(wanted).findFirst().orElseThrow();
    }

    private SpanData awaitAny(String what, Predicate<SpanData> wanted) {
        Eventually.await(WAIT, what, () -> spans.all().stream().anyMatch(wanted));
        return spans.all().stream().filter(wanted).findFirst().orElseThrow();
    }

    /** A SQL statement's span (Quarkus 3.33 puts the database's name in db.system, so it is told by its statement). */
    private static boolean isPostgres(SpanData span) {
        return span.getKind() == SpanKind.CLIENT && !"redis".equals(dbSystem(span))
                && span.getAttributes().get(AttributeKey.stringKey("db.statement")) != null;
    }

    private static String dbSystem(SpanData span) {
        String system = span.getAttributes().get(AttributeKey.stringKey("db.system"));
        return system != null ? system : span.getAttributes().get(AttributeKey.stringKey("db.system.name"));
    }
}
