package io.agentyard.identity;

import static io.restassured.RestAssured.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.Uuids;
import io.agentyard.shared.health.EventLoopsLiveness;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.PrivateRedisResource;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * What liveness and readiness mean (README "Health"): liveness fails while an event loop is
 * wedged, readiness while a consumer is stuck, and neither while Redis is away. On a Redis of its
 * own (stopped and restarted here), consumers stuck after 3 s.
 */
@QuarkusTest
@TestProfile(RedisOutageTest.PrivateRedis.class)
class HealthChecksTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String CONSUMERS = "Event consumers making progress";

    @Inject
    @Liveness
    EventLoopsLiveness liveness;

    @Inject
    Vertx vertx;

    @Inject
    EventStreams streams;

    @Inject
    RecordingHandler handler;

    @ConfigProperty(name = "quarkus.redis.hosts")
    URI redisUrl;

    @Test
    void livenessFailsWhileOneEventLoopIsWedgedAndRecoversAfter() {
        assertEquals(HealthCheckResponse.Status.UP, liveness().getStatus());
        List<EventExecutor> loops = new java.util.ArrayList<>();
        ((VertxInternal) vertx).getEventLoopGroup().forEach(loops::add);
        assertTrue(loops.size() > 1, "several event loops: " + loops.size());
        // wedge the last loop only (three times the 2 s bound), on purpose
        loops.get(loops.size() - 1).execute(() -> sleep(6_000));

        HealthCheckResponse wedged = liveness();
        assertEquals(HealthCheckResponse.Status.DOWN, wedged.getStatus(), String.valueOf(wedged.getData()));
        assertEquals("no answer within the bound", wedged.getData().get().get("loop-" + (loops.size() - 1)));
        Eventually.await(WAIT, "liveness UP once the loop runs again",
                () -> liveness().getStatus() == HealthCheckResponse.Status.UP);
        when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void readinessFailsWhileAConsumerIsStuckInAHandlerAndRecoversAfter() {
        int before = handler.hungCount();
        streams.add(streams.identityStream(), new EventEnvelope(Uuids.timeOrdered(), RecordingHandler.HANG, "identity",
                UUID.randomUUID().toString(), Instant.now(), 1, null, JsonNodeFactory.instance.objectNode()));
        try {
            Eventually.await(WAIT, "the handler entered", () -> handler.hungCount() > before);
            Eventually.await(WAIT, "readiness DOWN: the consumer is stuck", () -> consumersCheck(503).equals("DOWN"));
            when().get("/api/health").then().statusCode(503);
        } finally {
            handler.release();
        }
        Eventually.await(WAIT, "readiness UP once the handler finished", () -> consumersCheck(200).equals("UP"));
    }

    @Test
    void readinessStaysUpWhileRedisIsAway() {
        Eventually.await(WAIT, "ready before", () -> consumersCheck(200).equals("UP"));
        int port = redisUrl.getPort();
        PrivateRedisResource.stop(port);
        try {
            // well past the 3 s after which a consumer that did not move on counts as stuck
            long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < until) {
                when().get("/q/health/ready").then().statusCode(200);
                sleep(500);
            }
            when().get("/q/health/live").then().statusCode(200);
        } finally {
            PrivateRedisResource.start(port);
        }
    }

    /** The consumers check's status, from a readiness answer with {@code status}. */
    private static String consumersCheck(int status) {
        var response = when().get("/q/health/ready").then().extract();
        if (response.statusCode() != status) {
            return "answered " + response.statusCode();
        }
        List<Map<String, Object>> checks = response.path("checks");
        return checks.stream().filter(check -> CONSUMERS.equals(check.get("name"))).map(check -> (String) check.get("status"))
                .findFirst().orElse("absent");
    }

    private HealthCheckResponse liveness() {
        return liveness.call().await().atMost(Duration.ofSeconds(20));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
