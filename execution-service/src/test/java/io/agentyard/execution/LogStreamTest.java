package io.agentyard.execution;

import static io.agentyard.execution.ExecutionApi.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.SseFollower;
import io.agentyard.shared.testing.TestTokens;
import io.agentyard.execution.log.LogTails;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Followers of a run's logs (SSE) get every line once, in order, from where they ask, until the run ends. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class LogStreamTest {

    @Inject
    ExecutionApi api;

    @Inject
    LogTails tails;

    @TestHTTPResource("/")
    URL base;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Follows the stream on a connection of its own until it ends; the future holds every event received. */
    CompletableFuture<List<SseFollower.Event>> follow(ExecutionApi.Run run, String lastEventId) {
        return SseFollower.follow(base + "api/executions/" + run.executionId() + "/logs/stream", owner, lastEventId)
                .whenEnded();
    }

    void post(ExecutionApi.Run run, int from, int count) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            lines.add(Map.of("level", "INFO", "message", "line " + i));
        }
        as(TestTokens.worker(run.workerId())).body(Map.of("lines", lines))
                .post("/api/executions/" + run.executionId() + "/logs").then().statusCode(201);
    }

    /** The sequences the `logs` events carried, in order; each event's id must be its last line's. */
    static List<String> ids(List<SseFollower.Event> events) {
        List<String> sequences = new ArrayList<>();
        for (SseFollower.Event event : events) {
            if (!"logs".equals(event.name())) {
                continue;
            }
            try {
                com.fasterxml.jackson.databind.JsonNode lines = JSON.readTree(event.data());
                lines.forEach(line -> sequences.add(line.get("sequence").asText()));
                assertEquals(lines.get(lines.size() - 1).get("sequence").asText(), event.id(), "an event's id is its last line");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return sequences;
    }

    static List<String> range(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            ids.add(Integer.toString(i));
        }
        return ids;
    }

    @Test
    void followersFromTheStartAndFromMidStreamMissNothingAndSeeNothingTwice() throws Exception {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        post(run, 0, 10);
        CompletableFuture<List<SseFollower.Event>> fromStart = follow(run, null);
        CompletableFuture<List<SseFollower.Event>> resumed = follow(run, "7");
        Eventually.await(Duration.ofSeconds(10), "both followers joined", () -> tails.tailed() == 1);
        for (int batch = 0; batch < 5; batch++) {
            post(run, 10 + batch * 4, 4);
        }
        api.completed(run, 0, Map.of(), null, null, null);

        List<SseFollower.Event> all = fromStart.get(15, TimeUnit.SECONDS);
        List<SseFollower.Event> rest = resumed.get(15, TimeUnit.SECONDS);
        assertEquals(range(1, 30), ids(all));
        assertEquals(range(8, 30), ids(rest));
        SseFollower.Event end = all.get(all.size() - 1);
        assertEquals("end", end.name());
        assertTrue(end.data().contains("\"completed\""), end.data());
        assertTrue(all.get(0).data().contains("\"message\":\"line 0\""), all.get(0).data());
        Eventually.await(Duration.ofSeconds(5), "the tail closed with its followers", () -> tails.tailed() == 0);
    }

    @Test
    void aFollowerThatJoinsBehindARunningReadStillGetsEveryLine() throws Exception {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        post(run, 0, 10);
        // the first follower's read (from 7) is in flight when the second (from the start) joins
        var ahead = tails.follow(run.executionId(), 7).subscribe()
                .withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.<io.vertx.core.buffer.Buffer>create(Long.MAX_VALUE));
        var behind = tails.follow(run.executionId(), 0).subscribe()
                .withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.<io.vertx.core.buffer.Buffer>create(Long.MAX_VALUE));
        api.completed(run, 0, Map.of(), null, null, null);
        ahead.awaitCompletion(Duration.ofSeconds(10));
        behind.awaitCompletion(Duration.ofSeconds(10));
        assertEquals(range(8, 10), frames(ahead.getItems()));
        assertEquals(range(1, 10), frames(behind.getItems()));
    }

    /** The sequences in the `logs` frames a tail wrote, in order. */
    static List<String> frames(List<io.vertx.core.buffer.Buffer> frames) {
        List<SseFollower.Event> events = new ArrayList<>();
        for (io.vertx.core.buffer.Buffer frame : frames) {
            String id = null;
            String name = null;
            String data = null;
            for (String line : frame.toString().split("\n")) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            events.add(new SseFollower.Event(id, name, data));
        }
        return ids(events);
    }

    @Test
    void aFinishedRunStreamsWhatItLoggedAndEnds() throws Exception {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        post(run, 0, 3);
        api.completed(run, 1, Map.of(), null, null, null);
        api.awaitStatus(run.executionId(), "completed");
        List<SseFollower.Event> events = follow(run, "1").get(10, TimeUnit.SECONDS);
        assertEquals(List.of("2", "3"), ids(events));
        assertEquals("end", events.get(events.size() - 1).name());
    }

    @Test
    void strangersAndBadRequestsGetProblemsNotStreams() throws Exception {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "api/executions/"
                                + run.executionId() + "/logs/stream"))
                        .header("Authorization", "Bearer " + TestTokens.developer(UUID.randomUUID()))
                        .header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(response.body().contains("does not exist"), response.body());

        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base + "api/executions/"
                        + run.executionId() + "/logs/stream")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertEquals("Bearer", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        HttpResponse<String> badPosition = http.send(HttpRequest.newBuilder(URI.create(base + "api/executions/"
                                + run.executionId() + "/logs/stream"))
                        .header("Authorization", "Bearer " + owner).header("Last-Event-ID", "seven").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badPosition.statusCode());
    }
}
