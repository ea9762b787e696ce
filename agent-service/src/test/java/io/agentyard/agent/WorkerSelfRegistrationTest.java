package io.agentyard.agent;

import static io.agentyard.agent.AgentsTest.PROBLEM;
import static io.agentyard.agent.AgentsTest.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * PUT /api/workers/me: a worker identity registers itself (its id is its token's subject) and
 * reads itself with GET /api/workers/me. The test profile's heartbeat timeout is 60 s.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class WorkerSelfRegistrationTest {

    @Inject
    WorkerApi workers;

    static Map<String, Object> registration(String name, List<Map<String, Object>> capabilities) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("workerType", "feature");
        body.put("capabilities", capabilities);
        return body;
    }

    static String uniqueName() {
        return "self-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aWorkerRegistersItselfThenUpdatesItselfWithTheSameCall() throws Exception {
        UUID id = UUID.randomUUID();
        String token = TestTokens.worker(id);
        String name = uniqueName();
        as(token).get("/api/workers/me").then().statusCode(404).contentType(PROBLEM);

        Map<String, Object> first = registration(name, List.of(Map.of("name", "Java", "level", "expert"),
                Map.of("name", "sql")));
        first.put("version", "0.3.0");
        first.put("maxConcurrentTasks", 2);
        as(token).body(first).put("/api/workers/me").then().statusCode(201)
                .header("Location", endsWith("/api/workers/" + id))
                .body("id", is(id.toString()))
                .body("name", is(name))
                .body("status", is("offline"))
                .body("version", is("0.3.0"))
                .body("maxConcurrentTasks", is(2))
                .body("timeoutSeconds", is(3600))
                .body("heartbeatIntervalSeconds", is(20))
                .body("createdBy", is(id.toString()))
                .body("capabilities.name", is(List.of("java", "sql")))
                .body("capabilities.level", is(List.of("expert", "intermediate")));
        assertEquals(List.of("worker.registered"), workers.outboxTypes(id.toString()));

        Map<String, Object> again = registration(name, List.of(Map.of("name", "python", "level", "advanced")));
        again.put("timeoutSeconds", 900);
        as(token).body(again).put("/api/workers/me").then().statusCode(200)
                .header("Location", nullValue())
                .body("id", is(id.toString()))
                .body("version", is("0.3.0")) // left out: stays, as with an admin's PATCH
                .body("maxConcurrentTasks", is(2))
                .body("timeoutSeconds", is(900))
                .body("capabilities.name", is(List.of("python")));
        assertEquals(List.of("worker.registered", "worker.updated"), workers.outboxTypes(id.toString()));
        Map<?, ?> updated = new ObjectMapper().readValue(workers.lastEventData(id.toString()), Map.class);
        assertEquals(List.of("python"), updated.get("capabilities"));
        assertEquals(900, updated.get("timeoutSeconds"));
        assertEquals(id.toString(), updated.get("workerId"));

        as(token).get("/api/workers/me").then().statusCode(200)
                .body("id", is(id.toString())).body("name", is(name))
                .body("capabilities.name", is(List.of("python")))
                .body("heartbeatIntervalSeconds", is(20));
        // the record is the one admins see, and its heartbeat works as for an admin-registered worker
        as(TestTokens.admin()).get("/api/workers/" + id).then().statusCode(200).body("createdBy", is(id.toString()));
        workers.heartbeat(id.toString(), "idle", 0).body("status", is("idle"));
    }

    @Test
    void aWorkerAnAdminRegisteredUpdatesItselfAndKeepsItsCreator() {
        String id = workers.register("docs", 1, List.of(Map.of("name", "markdown")));
        String token = TestTokens.worker(UUID.fromString(id));
        String creator = as(token).get("/api/workers/me").then().statusCode(200).extract().path("createdBy");
        as(token).body(registration(uniqueName(), List.of())).put("/api/workers/me").then().statusCode(200)
                .body("workerType", is("feature"))
                .body("capabilities", is(List.of()))
                .body("createdBy", is(creator));
        assertEquals(List.of("worker.registered", "worker.updated"), workers.outboxTypes(id));
    }

    @Test
    void onlyWorkerIdentitiesUseMe() {
        Map<String, Object> body = registration(uniqueName(), List.of());
        for (String token : List.of(TestTokens.admin(), TestTokens.developer(UUID.randomUUID()), TestTokens.viewer(),
                TestTokens.service())) {
            as(token).body(body).put("/api/workers/me").then().statusCode(403).contentType(PROBLEM);
            as(token).get("/api/workers/me").then().statusCode(403);
        }
        given().contentType(ContentType.JSON).body(body).put("/api/workers/me").then().statusCode(401);
    }

    @Test
    void badRegistrationsAreRefusedFieldByField() {
        UUID id = UUID.randomUUID();
        String token = TestTokens.worker(id);
        as(token).body(Map.of("workerType", "feature")).put("/api/workers/me").then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", is("name"));
        as(token).body(Map.of("name", uniqueName(), "workerType", "cooking")).put("/api/workers/me").then()
                .statusCode(400).body("errors[0].field", is("workerType"));
        Map<String, Object> zeroSlots = registration(uniqueName(), List.of());
        zeroSlots.put("maxConcurrentTasks", 0);
        as(token).body(zeroSlots).put("/api/workers/me").then().statusCode(400)
                .body("errors[0].field", is("maxConcurrentTasks"));
        as(token).body(registration(uniqueName(), List.of(Map.of("name", "go"), Map.of("name", "GO"))))
                .put("/api/workers/me").then().statusCode(400).body("errors[0].field", is("capabilities"));
        Map<String, Object> unknown = registration(uniqueName(), List.of());
        unknown.put("id", UUID.randomUUID().toString());
        as(token).body(unknown).put("/api/workers/me").then().statusCode(400).body("errors[0].field", is("id"));
        // none of these registered it
        as(token).get("/api/workers/me").then().statusCode(404);

        // a name another worker has is a conflict, as for admins
        String taken = uniqueName();
        workers.registerNamed(taken, "feature");
        as(token).body(registration(taken.toUpperCase(), List.of())).put("/api/workers/me").then().statusCode(409)
                .contentType(PROBLEM);
    }

    @Test
    void twoFirstRegistrationsAtOnceMakeOneWorker() throws Exception {
        UUID id = UUID.randomUUID();
        String token = TestTokens.worker(id);
        String name = uniqueName();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(() -> as(token).body(registration(name, List.of(Map.of("name", "java"))))
                        .put("/api/workers/me").then().extract().statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(calls)) {
                statuses.add(status.get());
            }
            statuses.sort(null);
            assertEquals(List.of(200, 200, 201), statuses);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("worker.registered", "worker.updated", "worker.updated"), workers.outboxTypes(id.toString()));
    }
}
