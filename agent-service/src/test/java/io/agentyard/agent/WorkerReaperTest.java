package io.agentyard.agent;

import static io.agentyard.agent.AgentsTest.as;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The reaper marks workers offline once their heartbeats stop (here after 1 s). */
@QuarkusTest
@TestProfile(WorkerReaperTest.ShortHeartbeat.class)
class WorkerReaperTest {

    public static class ShortHeartbeat implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentyard.agent.worker-heartbeat-timeout", "PT1S");
        }
    }

    @Inject
    WorkerApi workers;

    final String admin = TestTokens.admin();

    @Test
    void theReaperMarksSilentWorkersOfflineOnce() {
        String id = workers.register("test", 1, List.of());
        // a third of a 1 s timeout rounds down to nothing: the worker is asked to heartbeat every second
        workers.heartbeat(id, "idle", 0).body("status", is("idle")).body("heartbeatIntervalSeconds", is(1));
        Eventually.await(Duration.ofSeconds(15), "the silent worker offline", () ->
                "offline".equals(as(admin).get("/api/workers/" + id).then().extract().path("status")));
        Eventually.await(Duration.ofSeconds(5), "worker.offline recorded", () -> workers.outboxTypes(id).contains("worker.offline"));
        sleep(500);
        assertEquals(1, workers.outboxTypes(id).stream().filter("worker.offline"::equals).count());
        workers.heartbeat(id, "idle", 0).body("status", is("idle")); // a heartbeat brings it back
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
