package io.agentyard.execution;

import static io.agentyard.execution.ExecutionApi.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentyard.execution.live.LiveFeed;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.BasicWebSocketConnector;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketClientConnection;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;

/**
 * GET ws /api/executions/{id}/live: who may read an execution follows it live (a snapshot, then its
 * statuses, steps and activity in order); anyone else gets nothing but a close code.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class LiveSocketTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ExecutionApi api;

    @Inject
    LiveFeed live;

    @Inject
    Instance<BasicWebSocketConnector> connectors;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);
    final List<Follower> followers = new ArrayList<>();

    @BeforeEach
    void liveFeedListens() {
        Eventually.await(WAIT, "this replica subscribed to the live feed", live::active);
    }

    @AfterEach
    void disconnect() {
        followers.stream().map(follower -> follower.connection).filter(c -> c != null && c.isOpen())
                .forEach(WebSocketClientConnection::closeAndAwait);
    }

    @Test
    void theOwnerSeesTheSnapshotThenStepsAndActivityInOrder() throws Exception {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        String worker = TestTokens.worker(run.workerId());
        Follower follower = follow(run.executionId(), withToken(owner));

        JsonObject snapshot = follower.next();
        assertEquals("snapshot", snapshot.getString("kind"));
        assertEquals(run.executionId().toString(), snapshot.getString("executionId"));
        assertEquals(run.executionId().toString(), snapshot.getJsonObject("data").getString("id"));
        assertEquals("running", snapshot.getJsonObject("data").getString("status"));
        assertEquals(ownerId.toString(), snapshot.getJsonObject("data").getString("ownerId"));

        String stepId = as(worker).body(Map.of("name", "read file", "type", "tool"))
                .post("/api/executions/" + run.executionId() + "/steps").then().statusCode(201).extract().path("id");
        as(worker).body(Map.of("kind", "file_change", "data", Map.of("path", "a.txt")))
                .post("/api/executions/" + run.executionId() + "/activity").then().statusCode(202);

        JsonObject step = follower.nextAfterTheSnapshot();
        assertEquals("step", step.getString("kind"));
        assertEquals(run.executionId().toString(), step.getString("executionId"));
        assertEquals(stepId, step.getJsonObject("data").getString("id"));
        assertEquals("read file", step.getJsonObject("data").getString("name"));
        assertEquals("running", step.getJsonObject("data").getString("status"));
        JsonObject activity = follower.nextAfterTheSnapshot();
        assertEquals("activity", activity.getString("kind"));
        assertEquals("file_change", activity.getJsonObject("data").getString("kind"));
        assertEquals("a.txt", activity.getJsonObject("data").getJsonObject("data").getString("path"));
        assertEquals(run.workerId().toString(), activity.getJsonObject("data").getString("workerId"));
        assertTrue(follower.connection.isOpen(), "still following a running execution");
    }

    @Test
    void aBrowserCarriesTheTokenAsASubprotocol() throws Exception {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        // what a browser sends: new WebSocket(url, ["bearer-token-carrier", encodeURIComponent("quarkus-http-upgrade#Authorization#Bearer " + token)])
        Follower follower = follow(run.executionId(), connector -> connector.addSubprotocol("bearer-token-carrier")
                .addSubprotocol(URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + owner,
                        StandardCharsets.UTF_8)));

        assertEquals("bearer-token-carrier", follower.connection.subprotocol());
        assertEquals("snapshot", follower.next().getString("kind"));
    }

    @Test
    void anotherDeveloperIsClosedWith4404AndReceivesNothing() throws Exception {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        String worker = TestTokens.worker(run.workerId());
        Follower stranger = follow(run.executionId(), withToken(TestTokens.developer(UUID.randomUUID())));
        as(worker).body(Map.of("kind", "agent_activity", "data", Map.of("secret", "plan")))
                .post("/api/executions/" + run.executionId() + "/activity").then().statusCode(202);

        CloseReason reason = stranger.closeReason();
        assertEquals(4404, reason.getCode());
        assertEquals("execution " + run.executionId() + " does not exist", reason.getMessage());
        assertTrue(stranger.frames.isEmpty(), "nothing sent to a stranger: " + stranger.frames);
    }

    @Test
    void anUnknownExecutionLooksTheSameAsAForbiddenOne() throws Exception {
        UUID unknown = UUID.randomUUID();
        CloseReason reason = follow(unknown, withToken(owner)).closeReason();
        assertEquals(4404, reason.getCode());
        assertEquals("execution " + unknown + " does not exist", reason.getMessage());

        CloseReason malformed = followPath("/api/executions/not-a-uuid/live", withToken(owner)).closeReason();
        assertEquals(4400, malformed.getCode());
    }

    @Test
    void noTokenAnExpiredOneOrAnUnknownRoleIsRefusedAtTheHandshake() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        assertEquals(401, refusal(run.executionId(), UnaryOperator.identity()));
        assertEquals(401, refusal(run.executionId(), withToken(TestTokens.expired(ownerId, "developer", 120))));
        assertEquals(403, refusal(run.executionId(), withToken(TestTokens.forUser(ownerId, "guest", "guest"))));
    }

    @Test
    void aFinishedRunEndsTheFollowWithANormalClose() throws Exception {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        Follower follower = follow(run.executionId(), withToken(owner));
        assertEquals("snapshot", follower.next().getString("kind"));

        api.completed(run, 0, Map.of("summary", "done"), "ok", "", Map.of());
        JsonObject status = follower.nextAfterTheSnapshot();
        assertEquals("status", status.getString("kind"));
        assertEquals("completed", status.getJsonObject("data").getString("status"));
        assertEquals(0, status.getJsonObject("data").getInteger("exitCode"));
        assertEquals(1000, follower.closeReason().getCode());

        // a follower who comes later gets the finished run and the same close
        Follower late = follow(run.executionId(), withToken(owner));
        JsonObject snapshot = late.next();
        assertEquals("completed", snapshot.getJsonObject("data").getString("status"));
        assertEquals(1000, late.closeReason().getCode());
        assertTrue(late.frames.isEmpty(), "only the snapshot: " + late.frames);
    }

    // ---- a real WebSocket client against the test's port

    /** One client connection: the frames it received, in order, and how it was closed. */
    static final class Follower {

        final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        WebSocketClientConnection connection;

        JsonObject next() throws InterruptedException {
            JsonObject frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(frame, "a frame within " + WAIT);
            return frame;
        }

        /**
         * The next frame that says something new: the socket listens before it reads the snapshot,
         * so the claim's own "running" status may follow a snapshot that already shows it.
         */
        JsonObject nextAfterTheSnapshot() throws InterruptedException {
            JsonObject frame = next();
            while ("status".equals(frame.getString("kind"))
                    && "running".equals(frame.getJsonObject("data").getString("status"))) {
                frame = next();
            }
            return frame;
        }

        CloseReason closeReason() throws Exception {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    static UnaryOperator<BasicWebSocketConnector> withToken(String token) {
        return connector -> connector.addHeader("Authorization", "Bearer " + token);
    }

    Follower follow(UUID executionId, UnaryOperator<BasicWebSocketConnector> auth) {
        return followPath("/api/executions/" + executionId + "/live", auth);
    }

    Follower followPath(String path, UnaryOperator<BasicWebSocketConnector> auth) {
        Follower follower = new Follower();
        followers.add(follower);
        follower.connection = auth.apply(connector(path))
                .onTextMessage((connection, text) -> follower.frames.add(new JsonObject(text)))
                .onClose((connection, reason) -> follower.closed.complete(reason))
                .connectAndAwait();
        return follower;
    }

    /** The HTTP status that refused the upgrade. */
    int refusal(UUID executionId, UnaryOperator<BasicWebSocketConnector> auth) {
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> auth.apply(connector("/api/executions/" + executionId + "/live")).connectAndAwait());
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
        }
        throw new AssertionError("not an upgrade refusal", failure);
    }

    BasicWebSocketConnector connector(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return connectors.get().baseUri(URI.create("http://localhost:" + port)).path(path)
                .executionModel(BasicWebSocketConnector.ExecutionModel.NON_BLOCKING);
    }
}
