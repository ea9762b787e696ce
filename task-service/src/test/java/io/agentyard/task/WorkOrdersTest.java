package io.agentyard.task;

import static io.agentyard.task.TaskApi.PROBLEM;
import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.status;
import static io.agentyard.task.TaskApi.task;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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

/** Claims, leases, completion and failure of work orders. Each test uses a queue of its own. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class WorkOrdersTest {

    @Inject
    TaskApi api;

    final String owner = TestTokens.developer(UUID.randomUUID());

    @Test
    void aNewTaskIsQueuedAndItsOrderClaimedWithPayloadExecutionIdAndLease() {
        Map<String, Object> body = task("docs", "autonomous");
        body.put("repositoryUrl", "https://github.com/acme/app");
        body.put("branchName", "docs/readme");
        body.put("context", Map.of("files", List.of("README.md")));
        String taskId = create(owner, body);
        assertEquals("queued", status(owner, taskId));
        UUID workerId = UUID.randomUUID();
        String worker = api.worker(workerId, "docs", 2);

        List<Map<String, Object>> claimed = api.claim(worker, List.of("docs"), 1, 0);
        assertEquals(1, claimed.size());
        Map<String, Object> order = claimed.get(0);
        assertEquals(taskId, order.get("taskId"));
        assertEquals("docs", order.get("queue"));
        assertEquals(1, order.get("attempt"));
        assertEquals("https://github.com/acme/app", ((Map<?, ?>) order.get("payload")).get("repositoryUrl"));
        assertTrue(order.get("executionId") != null && order.get("leaseExpiresAt") != null);
        as(owner).get("/api/tasks/" + taskId).then().body("status", is("in_progress"))
                .body("assignedTo", is(workerId.toString())).body("startedAt", notNullValue());
        assertEquals(1, api.count("select count(*) from task.worker_assignments where execution_id = '"
                + order.get("executionId") + "' and status = 'active'"));

        as(worker).body(Map.of("attempt", 1, "result", Map.of("pr", 42), "exitCode", 0, "stdout", "done"))
                .post("/api/work-orders/" + order.get("id") + "/complete").then().statusCode(200)
                .body("status", is("completed")).body("result.pr", is(42));
        assertEquals("completed", status(owner, taskId));
        assertEquals(List.of(), api.claim(worker, List.of("docs"), 1, 0));
    }

    @Test
    void completingTwiceWithTheSameResultIsANoOpAndOtherwiseAConflict() {
        String worker = api.worker(UUID.randomUUID(), "review", 1);
        create(owner, task("review", "autonomous"));
        String id = (String) api.claim(worker, List.of("review"), 1, 0).get(0).get("id");
        Map<String, Object> done = Map.of("attempt", 1, "result", Map.of("ok", true), "exitCode", 0);
        as(worker).body(done).post("/api/work-orders/" + id + "/complete").then().statusCode(200);
        as(worker).body(done).post("/api/work-orders/" + id + "/complete").then().statusCode(200)
                .body("status", is("completed"));
        as(worker).body(Map.of("attempt", 1, "result", Map.of("ok", false), "exitCode", 1)).post("/api/work-orders/" + id + "/complete")
                .then().statusCode(409).contentType(PROBLEM);
        as(worker).body(Map.of("attempt", 1)).post("/api/work-orders/" + id + "/heartbeat").then().statusCode(409);
        as(worker).body(Map.of("attempt", 1, "error", "late")).post("/api/work-orders/" + id + "/fail").then().statusCode(409);
    }

    @Test
    void onlyTheLeaseHolderActsOnAnOrder() {
        String holder = api.worker(UUID.randomUUID(), "refactor", 1);
        String other = api.worker(UUID.randomUUID(), "refactor", 1);
        create(owner, task("refactor", "autonomous"));
        String id = (String) api.claim(holder, List.of("refactor"), 1, 0).get(0).get("id");
        as(other).body(Map.of("attempt", 1)).post("/api/work-orders/" + id + "/heartbeat").then().statusCode(403).contentType(PROBLEM);
        as(other).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + id + "/complete").then().statusCode(403);
        as(other).body(Map.of("attempt", 1, "error", "x")).post("/api/work-orders/" + id + "/fail").then().statusCode(403);
        as(owner).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + id + "/complete").then().statusCode(403);
        as(holder).body(Map.of("attempt", 1)).post("/api/work-orders/" + id + "/heartbeat").then().statusCode(200).body("expiresAt", notNullValue());
        as(holder).body(Map.of("attempt", 1)).post("/api/work-orders/" + UUID.randomUUID() + "/heartbeat").then().statusCode(404);
    }

    @Test
    void aWorkOrderIsReadByItsTasksOwnerAdminsServicesAndItsHolderOnly() {
        String holder = api.worker(UUID.randomUUID(), "test", 1);
        create(owner, task("test", "autonomous"));
        String id = (String) api.claim(holder, List.of("test"), 1, 0).get(0).get("id");
        as(owner).get("/api/work-orders/" + id).then().statusCode(200).body("id", is(id));
        as(TestTokens.admin()).get("/api/work-orders/" + id).then().statusCode(200);
        as(TestTokens.service()).get("/api/work-orders/" + id).then().statusCode(200);
        as(holder).get("/api/work-orders/" + id).then().statusCode(200);
        // another developer learns nothing of it, as of the task itself
        String stranger = TestTokens.developer(UUID.randomUUID());
        as(stranger).get("/api/work-orders/" + id).then().statusCode(404).contentType(PROBLEM);
        as(api.worker(UUID.randomUUID(), "test", 1)).get("/api/work-orders/" + id).then().statusCode(404);
        as(TestTokens.viewer()).get("/api/work-orders/" + id).then().statusCode(403).contentType(PROBLEM);
    }

    @Test
    void aClaimNeverExceedsTheWorkersFreeSlots() {
        String queue = "bugfix";
        String worker = api.worker(UUID.randomUUID(), queue, 2);
        for (int i = 0; i < 4; i++) {
            create(owner, task(queue, "autonomous"));
        }
        assertEquals(2, api.claim(worker, List.of(queue), 10, 0).size());
        assertEquals(0, api.claim(worker, List.of(queue), 10, 0).size(), "no free slot left");
        as(TestTokens.worker(UUID.randomUUID())).body(Map.of("queues", List.of(queue)))
                .post("/api/work-orders/claim").then().statusCode(403).contentType(PROBLEM);
        as(owner).body(Map.of("queues", List.of(queue))).post("/api/work-orders/claim").then().statusCode(403);
        as(worker).body(Map.of("queues", List.of(), "max", 100)).post("/api/work-orders/claim").then().statusCode(400);
    }

    @Test
    void aClaimWaitingBehindAnotherOfTheSameWorkerCountsWhatThatOneTook() throws Exception {
        String queue = "refactor";
        api.emptyQueue(queue);
        UUID workerId = UUID.randomUUID();
        String worker = api.worker(workerId, queue, 3);
        for (int i = 0; i < 6; i++) {
            create(owner, task(queue, "autonomous"));
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (var inFlight = api.connection()) {
            // another claim of this worker is in flight: it holds the worker's lock and has taken two orders
            inFlight.setAutoCommit(false);
            try (var statement = inFlight.createStatement()) {
                statement.execute("select id from task.workers where id = '" + workerId + "' for update");
                statement.execute("update task.work_orders set status = 'claimed', claimed_by = '" + workerId
                        + "', expires_at = now() + interval '1 hour' where id in (select id from task.work_orders"
                        + " where queue_name = '" + queue + "' and status = 'pending' limit 2)");
            }
            Future<Integer> waiting = pool.submit(() -> api.claim(worker, List.of(queue), 3, 0).size());
            Thread.sleep(500);
            assertTrue(!waiting.isDone(), "the second claim waits for the worker's lock");
            inFlight.commit();

            assertEquals(1, waiting.get(30, TimeUnit.SECONDS), "three slots, two taken meanwhile: one left");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, api.count("select count(*) from task.work_orders where claimed_by = '" + workerId
                + "' and status = 'claimed'"));
    }

    @Test
    void higherPriorityIsClaimedFirstThenOldest() {
        String queue = "test";
        api.emptyQueue(queue);
        String worker = api.worker(UUID.randomUUID(), queue, 10);
        Map<String, Object> low = task(queue, "autonomous");
        low.put("priority", "low");
        String lowId = create(owner, low);
        String normal1 = create(owner, task(queue, "autonomous"));
        String normal2 = create(owner, task(queue, "autonomous"));
        Map<String, Object> critical = task(queue, "autonomous");
        critical.put("priority", "critical");
        String criticalId = create(owner, critical);
        List<Object> order = api.claim(worker, List.of(queue), 10, 0).stream().map(o -> o.get("taskId")).toList();
        assertEquals(List.of(criticalId, normal1, normal2, lowId), order);
    }

    @Test
    void aWaitingClaimIsWokenPromptlyWhenWorkArrives() throws Exception {
        String queue = "feature";
        String worker = api.worker(UUID.randomUUID(), queue, 1);
        api.emptyQueue("feature");
        long[] claimedAt = new long[1];
        Thread claimer = new Thread(() -> {
            assertEquals(1, api.claim(worker, List.of(queue), 1, 20).size());
            claimedAt[0] = System.nanoTime();
        });
        claimer.start();
        Thread.sleep(500);
        create(owner, task(queue, "autonomous"));
        long filedAt = System.nanoTime();
        claimer.join(20_000);
        long afterFiling = (claimedAt[0] - filedAt) / 1_000_000;
        // The test profile polls every 5 s: only a wake-up explains a claim this soon.
        assertTrue(claimedAt[0] > 0 && afterFiling < 2500, "claimed " + afterFiling + " ms after the task was filed");
    }

    @Test
    void failedRunsAreRetriedWithBackoffThenFailForGood() {
        String queue = "docs";
        String worker = api.worker(UUID.randomUUID(), queue, 1);
        api.emptyQueue("docs");
        String taskId = create(owner, task(queue, "autonomous"));
        for (int attempt = 1; attempt <= 4; attempt++) {
            int expected = attempt;
            Eventually.await(Duration.ofSeconds(10), "attempt " + attempt + " available", () -> {
                List<Map<String, Object>> claimed = api.claim(worker, List.of(queue), 1, 1);
                if (claimed.isEmpty()) {
                    return false;
                }
                assertEquals(expected, claimed.get(0).get("attempt"));
                as(worker).body(Map.of("attempt", expected, "error", "tests failed"))
                        .post("/api/work-orders/" + claimed.get(0).get("id")
                        + "/fail").then().statusCode(200);
                return true;
            });
            assertEquals(attempt <= 3 ? "queued" : "failed", status(owner, taskId));
        }
        assertEquals(1, api.count("select count(*) from task.work_orders where task_id = '" + taskId
                + "' and status = 'failed' and retry_count = 3 and error_message = 'tests failed'"));
        assertEquals(1, api.count("select count(*) from task.outbox_events where event_type = 'work_order.dead_lettered'"
                + " and envelope->'data'->>'taskId' = '" + taskId + "'"));
    }

    @Test
    void cancellingARunningTaskEndsItsLease() {
        String worker = api.worker(UUID.randomUUID(), "docs", 1);
        api.emptyQueue("docs");
        String taskId = create(owner, task("docs", "autonomous"));
        Map<String, Object> order = api.claim(worker, List.of("docs"), 1, 0).get(0);
        as(owner).post("/api/tasks/" + taskId + "/cancel").then().statusCode(200).body("status", is("cancelled"));
        // the worker's heartbeat tells it to stop; its report is refused
        as(worker).body(Map.of("attempt", 1)).post("/api/work-orders/" + order.get("id") + "/heartbeat").then()
                .statusCode(200).body("cancelled", is(true)).body("status", is("cancelled"));
        as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + order.get("id") + "/complete")
                .then().statusCode(409).contentType(PROBLEM).body("type", containsString("work-order-cancelled"));
        as(worker).body(Map.of("attempt", 1, "error", "stopped")).post("/api/work-orders/" + order.get("id") + "/fail")
                .then().statusCode(409).body("type", containsString("work-order-cancelled"));
        assertEquals(1, api.count("select count(*) from task.outbox_events where event_type = 'work_order.cancelled'"
                + " and subject_id = '" + order.get("id") + "'"));
        assertEquals(1, api.count("select count(*) from task.worker_assignments where execution_id = '"
                + order.get("executionId") + "' and status = 'cancelled'"));
    }

    @Test
    void aNonRetryableFailureFailsTheTaskAtOnce() {
        String worker = api.worker(UUID.randomUUID(), "review", 1);
        api.emptyQueue("review");
        String taskId = create(owner, task("review", "autonomous"));
        String id = (String) api.claim(worker, List.of("review"), 1, 0).get(0).get("id");
        as(worker).body(Map.of("attempt", 1, "error", "repository not found", "retryable", false))
                .post("/api/work-orders/" + id + "/fail").then().statusCode(200).body("status", is("failed"));
        assertEquals("failed", status(owner, taskId));
    }
}
