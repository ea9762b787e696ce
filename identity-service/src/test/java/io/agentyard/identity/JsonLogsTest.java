package io.agentyard.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.opentelemetry.api.trace.SpanContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;

/** JSON log lines (as production writes them) carry the trace and span ids of the work they log. */
@QuarkusTest
@TestProfile(JsonLogsTest.JsonLogs.class)
@QuarkusTestResource(FreshDatabaseResource.class)
class JsonLogsTest {

    static final Path LOG = Path.of("target", "json-logs-test.log");

    /**
     * The JSON formatter production uses on the console, here on a file the test can read; and
     * production's tracing default (no collector, no ratio: spans exist but are not recorded).
     */
    public static class JsonLogs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.file.enabled", "true", "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.json.enabled", "true", "agentyard.tracing.sample-ratio", "");
        }
    }

    @Inject
    Outbox outbox;

    @Inject
    TracedHandler handler;

    @Test
    void aLineLoggedWhileHandlingAnEventCarriesItsTraceAndSpanIdsThoughNoSpanIsRecorded() throws Throwable {
        EventEnvelope event = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> outbox.record(TracedHandler.TRACED, UUID.randomUUID(), Map.of("n", 1))));
        Eventually.await(Duration.ofSeconds(10), "the event handled", () -> handler.handledIn(event.id()) != null);
        SpanContext span = handler.handledIn(event.id());
        assertTrue(span.isValid(), span.toString());
        assertFalse(span.isSampled(), "nothing receives spans, so none is recorded: " + span);

        Eventually.await(Duration.ofSeconds(5), "its log line", () -> lineAbout(event.id()) != null);
        JsonNode line = lineAbout(event.id());
        JsonNode mdc = line.get("mdc");
        assertNotNull(mdc, line.toString());
        assertEquals(span.getTraceId(), mdc.path("traceId").asText(), line.toString());
        assertEquals(span.getSpanId(), mdc.path("spanId").asText(), line.toString());
    }

    private static JsonNode lineAbout(UUID eventId) {
        if (!Files.exists(LOG)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(LOG);
            ObjectMapper json = new ObjectMapper();
            for (String line : lines) {
                if (line.contains("handled " + TracedHandler.TRACED + " " + eventId)) {
                    return json.readTree(line);
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
