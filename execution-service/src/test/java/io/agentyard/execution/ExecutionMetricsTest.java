package io.agentyard.execution;

import static io.agentyard.execution.ExecutionApi.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.agentyard.execution.execution.ExecutionMetrics;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.Metrics;
import io.agentyard.shared.testing.SseFollower;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.BasicWebSocketConnector;
import io.quarkus.websockets.next.WebSocketClientConnection;

/**
 * execution-service's metrics move with what happens, read from {@code /q/metrics}: a stored log
 * batch adds its lines (once, however often it is sent), a running execution is counted until it
 * ends, and a live follower (Server-Sent Events, WebSocket) is counted while it follows. Counters
 * and gauges are shared by the run's tests: compared before and after.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class ExecutionMetricsTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Map<String, String> LOG_FOLLOWERS = Map.of("protocol", "sse",
            "route", "/api/executions/:executionId/logs/stream");
    static final Map<String, String> LIVE_FOLLOWERS = Map.of("protocol", "websocket",
            "route", "/api/executions/:id/live");

    @Inject
    ExecutionApi api;

    @Inject
    ExecutionMetrics metrics;

    @Inject
    Instance<BasicWebSocketConnector> connectors;

    @TestHTTPResource("/")
    URL base;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    @Test
    void aStoredLogBatchAddsItsLinesOnce() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        Metrics before = Metrics.scrape();
        List<Map<String, Object>> lines = List.of(Map.of("level", "INFO", "message", "one"),
                Map.of("level", "WARNING", "message", "two"), Map.of("level", "INFO", "message", "three"));
        for (int i = 0; i < 2; i++) { // the same batch again under its key: answered, not stored twice
            as(TestTokens.worker(run.workerId())).header("Idempotency-Key", "batch-" + run.executionId())
                    .body(Map.of("lines", lines)).post("/api/executions/" + run.executionId() + "/logs")
                    .then().statusCode(i == 0 ? 201 : 200);
        }
        Metrics after = Metrics.scrape();
        assertEquals(3, after.value("agentyard_log_lines_ingested_total", Map.of())
                - before.value("agentyard_log_lines_ingested_total", Map.of()));
        assertEquals(1, after.value("agentyard_log_batch_lines_count", Map.of())
                - before.value("agentyard_log_batch_lines_count", Map.of()));
        assertTrue(after.families().get("agentyard_log_lines_ingested_total").help().contains("Log lines"));
    }

    @Test
    void aRunningExecutionIsCountedUntilItEnds() {
        refresh();
        double before = Metrics.now("agentyard_executions_running", Map.of());
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        refresh();
        assertEquals(before + 1, Metrics.now("agentyard_executions_running", Map.of()));
        api.completed(run, 0, Map.of(), "done", "", Map.of());
        api.awaitStatus(run.executionId(), "completed");
        refresh();
        assertEquals(before, Metrics.now("agentyard_executions_running", Map.of()));
    }

    @Test
    void aLogFollowerIsCountedWhileItFollows() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        double before = Metrics.now("agentyard_stream_followers", LOG_FOLLOWERS);
        try (SseFollower follower = SseFollower.follow(base + "api/executions/" + run.executionId() + "/logs/stream",
                owner, null)) {
            assertEquals(200, follower.status());
            Eventually.await(WAIT, "the follower counted",
                    () -> Metrics.now("agentyard_stream_followers", LOG_FOLLOWERS) == before + 1);
        }
        Eventually.await(WAIT, "the follower that left no longer counted",
                () -> Metrics.now("agentyard_stream_followers", LOG_FOLLOWERS) == before);
    }

    @Test
    void aLiveSocketIsCountedWhileItIsOpen() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        double before = Metrics.now("agentyard_stream_followers", LIVE_FOLLOWERS);
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        WebSocketClientConnection socket = connectors.get().baseUri(URI.create("http://localhost:" + port))
                .path("/api/executions/" + run.executionId() + "/live")
                .executionModel(BasicWebSocketConnector.ExecutionModel.NON_BLOCKING)
                .addHeader("Authorization", "Bearer " + owner).onTextMessage((connection, text) -> { })
                .connectAndAwait();
        Eventually.await(WAIT, "the socket counted",
                () -> Metrics.now("agentyard_stream_followers", LIVE_FOLLOWERS) == before + 1);
        socket.closeAndAwait();
        Eventually.await(WAIT, "the closed socket no longer counted",
                () -> Metrics.now("agentyard_stream_followers", LIVE_FOLLOWERS) == before);
    }

    private void refresh() {
        metrics.refresh().await().atMost(WAIT);
    }
}
