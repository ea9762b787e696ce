package io.agentyard.task;

import static io.agentyard.task.TaskApi.PROBLEM;
import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.status;
import static io.agentyard.task.TaskApi.task;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Dependencies: blocked tasks wait, completing the blocker dispatches them, cycles are refused. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class DependenciesTest {

    @Inject
    TaskApi api;

    final String owner = TestTokens.developer(UUID.randomUUID());

    void depend(String taskId, String dependsOn, int status) {
        as(owner).body(Map.of("dependsOn", dependsOn, "type", "blocks")).post("/api/tasks/" + taskId + "/dependencies")
                .then().statusCode(status);
    }

    /** A new autonomous task of {@code type} that each of {@code blockers} blocks. */
    String blockedBy(String type, String... blockers) {
        Map<String, Object> body = task(type, "autonomous");
        body.put("dependsOn", Arrays.stream(blockers).map(id -> Map.of("taskId", id)).toList());
        return create(owner, body);
    }

    @Test
    void aBlockedTaskIsDispatchedWhenItsLastBlockerCompletes() {
        String worker = api.worker(UUID.randomUUID(), "refactor", 5);
        api.emptyQueue("refactor");
        String first = create(owner, task("refactor", "autonomous"));
        String second = create(owner, task("refactor", "autonomous"));
        Map<String, Object> body = task("refactor", "autonomous");
        body.put("dependsOn", List.of(Map.of("taskId", first), Map.of("taskId", second, "type", "blocks")));
        String blocked = create(owner, body);
        assertEquals("pending", status(owner, blocked));

        List<Map<String, Object>> claimed = api.claim(worker, List.of("refactor"), 5, 0);
        assertEquals(2, claimed.size(), "only the two blockers are on the queue");
        as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + claimed.get(0).get("id") + "/complete")
                .then().statusCode(200);
        assertEquals("pending", status(owner, blocked));
        as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + claimed.get(1).get("id") + "/complete")
                .then().statusCode(200);
        assertEquals("queued", status(owner, blocked));
        assertEquals(blocked, api.claim(worker, List.of("refactor"), 5, 0).get(0).get("taskId"));
    }

    @Test
    void twoBlockersCompletingAtOnceDispatchTheirDependentOnce() throws Exception {
        String worker = api.worker(UUID.randomUUID(), "refactor", 5);
        api.emptyQueue("refactor");
        String first = create(owner, task("refactor", "autonomous"));
        String second = create(owner, task("refactor", "autonomous"));
        String blocked = blockedBy("refactor", first, second);
        List<Map<String, Object>> claimed = api.claim(worker, List.of("refactor"), 5, 0);
        assertEquals(2, claimed.size());

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> completions = claimed.stream().map(order -> pool.submit(() -> as(worker)
                    .body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + order.get("id") + "/complete")
                    .then().extract().statusCode())).toList();
            for (Future<Integer> completion : completions) {
                assertEquals(200, completion.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        Eventually.await(Duration.ofSeconds(5), "the dependent dispatched", () -> "queued".equals(status(owner, blocked)));
        assertEquals(1, api.count("select count(*) from task.work_orders where task_id = '" + blocked + "'"));
    }

    @Test
    void aTaskLeftPendingWhenItsBlockerCompletedIsDispatchedBySweep() {
        String blocker = create(owner, task("refactor", "autonomous"));
        String blocked = blockedBy("refactor", blocker);
        // as if the replica that completed the blocker died before dispatching its dependents
        api.execute("update task.tasks set status = 'completed' where id = '" + blocker + "'");
        assertEquals("pending", status(owner, blocked));

        Eventually.await(Duration.ofSeconds(5), "the sweep dispatches the stranded task",
                () -> "queued".equals(status(owner, blocked)));
        assertEquals(1, api.count("select count(*) from task.work_orders where task_id = '" + blocked + "'"));
        assertEquals(1, api.count("select count(*) from task.outbox_events where subject_id = '" + blocked
                + "' and event_type = 'task.dispatched'"));
    }

    @Test
    void aCycleOfBlocksIsRefusedAndNamed() {
        String a = create(owner, task("docs", "human_required"));
        String b = create(owner, task("docs", "human_required"));
        String c = create(owner, task("docs", "human_required"));
        depend(b, a, 201);
        depend(c, b, 201);
        as(owner).body(Map.of("dependsOn", c)).post("/api/tasks/" + a + "/dependencies")
                .then().statusCode(409).contentType(PROBLEM)
                .body("detail", containsString("would close the cycle " + a + " -> " + c + " -> " + b + " -> " + a));
        as(owner).body(Map.of("dependsOn", c, "type", "related")).post("/api/tasks/" + a + "/dependencies")
                .then().statusCode(201).body("type", is("related"));
        as(owner).get("/api/tasks/" + b + "/dependencies").then().statusCode(200).body("size()", is(2));
    }

    @Test
    void selfDuplicateAndLateDependenciesAreRefused() {
        String a = create(owner, task("docs", "human_required"));
        String b = create(owner, task("docs", "human_required"));
        as(owner).body(Map.of("dependsOn", a)).post("/api/tasks/" + a + "/dependencies").then().statusCode(400)
                .body("errors[0].field", is("dependsOn"));
        depend(b, a, 201);
        depend(b, a, 409);
        String queued = create(owner, task("docs", "autonomous"));
        depend(queued, a, 409);
        depend(a, UUID.randomUUID().toString(), 404);
        String strangers = create(TestTokens.developer(UUID.randomUUID()), task("docs", "human_required"));
        depend(a, strangers, 404);
    }

    @Test
    void removingTheLastBlockerDispatches() {
        String blocker = create(owner, task("test", "human_required"));
        String waiting = blockedBy("test", blocker);
        assertEquals("pending", status(owner, waiting));
        as(owner).delete("/api/tasks/" + waiting + "/dependencies/" + blocker).then().statusCode(204);
        assertEquals("queued", status(owner, waiting));
        as(owner).delete("/api/tasks/" + waiting + "/dependencies/" + blocker).then().statusCode(404);
    }
}
