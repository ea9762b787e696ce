package io.agentyard.agent;

import static io.agentyard.agent.AgentsTest.PROBLEM;
import static io.agentyard.agent.AgentsTest.as;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * /api/workers: admins register, workers heartbeat for themselves, and task-service asks who is
 * eligible. (The reaper has its own test, with a short heartbeat timeout.)
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class WorkersTest {

    final String admin = TestTokens.admin();

    @Inject
    WorkerApi workers;

    String register(String type, int slots, List<Map<String, Object>> capabilities) {
        return workers.register(type, slots, capabilities);
    }

    void heartbeat(String id, String status, int load) {
        workers.heartbeat(id, status, load);
    }

    @Test
    void registeredWorkersStartOfflineWithTheirCapabilities() {
        String id = as(admin).body(Map.of("name", "claude-1", "workerType", "feature", "maxConcurrentTasks", 3,
                        "capabilities", List.of(Map.of("name", "Java", "level", "expert"), Map.of("name", "sql"))))
                .post("/api/workers").then().statusCode(201)
                .body("status", is("offline"))
                .body("maxConcurrentTasks", is(3))
                .body("timeoutSeconds", is(3600))
                .body("contextWindowSize", is(200000))
                .body("freeSlots", is(3))
                .body("capabilities.name", is(List.of("java", "sql")))
                .body("capabilities.level", is(List.of("expert", "intermediate")))
                .extract().path("id");
        assertEquals(List.of("worker.registered"), outboxTypes(id));
        as(admin).body(Map.of("name", "CLAUDE-1", "workerType", "docs")).post("/api/workers").then().statusCode(409);
        as(admin).body(Map.of("name", "dup", "workerType", "docs",
                        "capabilities", List.of(Map.of("name", "go"), Map.of("name", "GO"))))
                .post("/api/workers").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", is("capabilities"));
        as(admin).body(Map.of("name", "bad", "workerType", "feature", "maxConcurrentTasks", 0))
                .post("/api/workers").then().statusCode(400).body("errors[0].field", is("maxConcurrentTasks"));
        as(TestTokens.developer(UUID.randomUUID())).body(Map.of("name", "x", "workerType", "docs"))
                .post("/api/workers").then().statusCode(403);
    }

    @Test
    void aWorkerHeartbeatsAndReadsOnlyItself() {
        String id = register("bugfix", 2, List.of());
        String other = register("bugfix", 2, List.of());
        String token = TestTokens.worker(UUID.fromString(id));

        as(token).body(Map.of("status", "busy", "currentLoad", 1)).post("/api/workers/" + id + "/heartbeat")
                .then().statusCode(200)
                .body("status", is("busy")).body("currentLoad", is(1)).body("freeSlots", is(1))
                .body("lastHeartbeatAt", notNullValue());
        assertEquals(List.of("worker.registered", "worker.status_changed"), outboxTypes(id));
        as(token).get("/api/workers/" + id).then().statusCode(200).body("status", is("busy"));

        as(token).get("/api/workers/" + other).then().statusCode(403).contentType(PROBLEM);
        as(token).body(Map.of("status", "idle", "currentLoad", 0)).post("/api/workers/" + other + "/heartbeat")
                .then().statusCode(403);
        as(token).get("/api/workers").then().statusCode(403);
        as(admin).body(Map.of("status", "idle", "currentLoad", 0)).post("/api/workers/" + id + "/heartbeat")
                .then().statusCode(403);
        as(token).body(Map.of("status", "busy", "currentLoad", 3)).post("/api/workers/" + id + "/heartbeat")
                .then().statusCode(400).body("errors[0].field", is("currentLoad"));
        as(token).body(Map.of("status", "offline", "currentLoad", 0)).post("/api/workers/" + id + "/heartbeat")
                .then().statusCode(400).body("errors[0].field", is("status"));
        as(token).body(Map.of("status", "busy")).post("/api/workers/" + id + "/heartbeat")
                .then().statusCode(400).body("errors[0].field", is("currentLoad"));
    }

    @Test
    void eligibleWorkersMatchTypeCapabilityLevelsAndFreeSlots() {
        String expert = register("review", 2, List.of(Map.of("name", "java", "level", "expert"),
                Map.of("name", "sql", "level", "beginner")));
        String junior = register("review", 4, List.of(Map.of("name", "java", "level", "beginner")));
        String full = register("review", 1, List.of(Map.of("name", "java", "level", "expert")));
        String docs = register("docs", 4, List.of(Map.of("name", "java", "level", "expert")));
        String silent = register("review", 4, List.of(Map.of("name", "java", "level", "expert")));
        heartbeat(expert, "busy", 1);
        heartbeat(junior, "idle", 0);
        heartbeat(full, "busy", 1);
        heartbeat(docs, "idle", 0);
        String service = TestTokens.service();

        List<String> any = as(service).get("/api/workers/eligible?workerType=review&capability=java")
                .then().statusCode(200).extract().path("id");
        assertEquals(List.of(junior, expert), any, "free slots first; full, other-type and silent workers left out");
        as(service).get("/api/workers/eligible?workerType=review&capability=java:advanced")
                .then().statusCode(200).body("id", is(List.of(expert)));
        as(service).get("/api/workers/eligible?workerType=review&capability=java:advanced&capability=sql")
                .then().body("id", is(List.of(expert)));
        as(service).get("/api/workers/eligible?workerType=review&capability=rust")
                .then().statusCode(200).body("id", is(new ArrayList<>()));
        as(service).get("/api/workers/eligible?workerType=review&capability=java:guru")
                .then().statusCode(400).body("errors[0].field", is("capability"));
        as(service).get("/api/workers/eligible").then().statusCode(400);
        as(TestTokens.developer(UUID.randomUUID())).get("/api/workers/eligible?workerType=review")
                .then().statusCode(403);
        as(admin).get("/api/workers/eligible?workerType=review").then().statusCode(200)
                .body("id", not(hasItem(silent)));
    }

    @Test
    void adminsChangeAndRemoveWorkers() {
        String id = register("refactor", 1, List.of(Map.of("name", "java")));
        as(admin).body(Map.of("maxConcurrentTasks", 5, "capabilities", List.of(Map.of("name", "kotlin", "level", "advanced"))))
                .patch("/api/workers/" + id).then().statusCode(200)
                .body("maxConcurrentTasks", is(5)).body("capabilities.name", is(List.of("kotlin")));
        as(TestTokens.viewer()).get("/api/workers?workerType=refactor&size=100").then().statusCode(200)
                .body("items.id", hasItem(id));
        as(admin).delete("/api/workers/" + id).then().statusCode(204);
        as(admin).get("/api/workers/" + id).then().statusCode(404);
        as(TestTokens.worker(UUID.fromString(id))).body(Map.of("status", "idle", "currentLoad", 0))
                .post("/api/workers/" + id + "/heartbeat").then().statusCode(404);
    }

    List<String> outboxTypes(String subject) {
        return workers.outboxTypes(subject);
    }
}
