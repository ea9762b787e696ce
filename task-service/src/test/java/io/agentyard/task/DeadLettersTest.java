package io.agentyard.task;

import static io.agentyard.task.TaskApi.PROBLEM;
import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.status;
import static io.agentyard.task.TaskApi.task;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Dead letters: work orders that failed or expired for good, listed, inspected, redriven and
 * purged, every action on record. Each test makes its own dead orders and finds them by an error
 * text of its own (tests of a run share a database and its queues).
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class DeadLettersTest {

    @Inject
    TaskApi api;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);
    /** Contained in every error this test's workers report: its dead orders, and no one else's. */
    final String tag = "boom-" + UUID.randomUUID();

    /** The tasks this test filed. */
    final List<String> filed = new ArrayList<>();

    /** Other tests claim from the same queues and count what waits there: what this test redrove or left waiting is cancelled. */
    @AfterEach
    void cancelWhatIsLeft() {
        for (String taskId : filed) {
            as(owner).post("/api/tasks/" + taskId + "/cancel").then().statusCode(anyOf(is(200), is(409)));
        }
    }

    /** An order that died, as its worker saw it. */
    record Dead(String id, String taskId, UUID workerId, String executionId, int attempt) {
    }

    @Test
    void deadOrdersAreListedNewestFirstFilteredAndPagedByCursor() {
        Dead first = dead("docs", tag + " first");
        Dead second = dead("docs", tag + " second");
        Dead third = dead("review", tag + " third");

        JsonPath page = as(owner).queryParam("error", tag.toUpperCase()).queryParam("limit", 2)
                .get("/api/dead-letters").then().statusCode(200).body("items", hasSize(2))
                .body("nextCursor", notNullValue()).extract().jsonPath();
        assertEquals(List.of(third.id(), second.id()), page.getList("items.id"));
        assertEquals("review", page.getString("items[0].queue"));
        assertEquals(third.taskId(), page.getString("items[0].taskId"));
        assertEquals("failed", page.getString("items[0].status"));
        assertEquals(tag + " third", page.getString("items[0].error"));
        assertEquals(third.attempt(), page.getInt("items[0].attemptsMade"));
        assertTrue(page.getString("items[0].deadSince") != null);
        as(owner).queryParam("error", tag).queryParam("limit", 2).queryParam("cursor", page.getString("nextCursor"))
                .get("/api/dead-letters").then().statusCode(200)
                .body("items.id", contains(first.id())).body("nextCursor", nullValue());

        as(owner).queryParam("error", tag).queryParam("queue", "docs").get("/api/dead-letters").then()
                .body("items.id", contains(second.id(), first.id()));
        as(owner).queryParam("error", tag).queryParam("deadSince", Instant.now().plusSeconds(60).toString())
                .get("/api/dead-letters").then().body("items", empty());
        as(owner).queryParam("error", tag).queryParam("deadBefore", Instant.now().plusSeconds(60).toString())
                .get("/api/dead-letters").then().body("items", hasSize(3));
    }

    @Test
    void anExpiredOrderOutOfRetriesIsDeadToo() {
        String queue = "bugfix";
        api.emptyQueue(queue);
        String taskId = file(task(queue, "autonomous"));
        String worker = api.worker(UUID.randomUUID(), queue, 1);
        String id = (String) api.claim(worker, List.of(queue), 1, 0).get(0).get("id");
        api.execute("update task.work_orders set max_retries = 0, expires_at = now() - interval '1 second'"
                + " where id = '" + id + "'");

        Eventually.await(Duration.ofSeconds(10), "the reaper expired the order for good",
                () -> "failed".equals(status(owner, taskId)));
        as(owner).get("/api/dead-letters/" + id).then().statusCode(200).body("status", is("expired"))
                .body("attempts", hasSize(1)).body("attempts[0].status", is("timeout"))
                .body("attempts[0].error", notNullValue());
    }

    @Test
    void inspectingADeadOrderShowsItsPayloadAndEveryAttemptWithItsWorkerAndError() {
        String queue = "refactor";
        api.emptyQueue(queue);
        Map<String, Object> body = task(queue, "autonomous");
        body.put("repositoryUrl", "https://github.com/acme/app");
        String taskId = file(body);
        UUID firstWorkerId = UUID.randomUUID();
        UUID secondWorkerId = UUID.randomUUID();
        String firstWorker = api.worker(firstWorkerId, queue, 1);
        String secondWorker = api.worker(secondWorkerId, queue, 1);
        Map<String, Object> first = api.claim(firstWorker, List.of(queue), 1, 0).get(0);
        fail(firstWorker, first, tag + " once", true);
        // retried after the test profile's backoff (0.2 s), by another worker
        List<Map<String, Object>> retried = new ArrayList<>();
        Eventually.await(Duration.ofSeconds(10), "the order retried", () -> {
            retried.addAll(api.claim(secondWorker, List.of(queue), 1, 0));
            return !retried.isEmpty();
        });
        Map<String, Object> second = retried.get(0);
        assertEquals(first.get("id"), second.get("id"));
        fail(secondWorker, second, tag + " for good", false);

        JsonPath detail = as(owner).get("/api/dead-letters/" + first.get("id")).then().statusCode(200)
                .body("taskId", is(taskId)).body("ownerId", is(ownerId.toString())).body("queue", is(queue))
                .body("status", is("failed")).body("error", is(tag + " for good")).body("retryCount", is(1))
                .body("maxRetries", is(3)).body("payload.repositoryUrl", is("https://github.com/acme/app"))
                .body("attempts", hasSize(2)).extract().jsonPath();
        assertEquals(List.of(first.get("attempt"), second.get("attempt")), detail.getList("attempts.attempt"));
        assertEquals(List.of(firstWorkerId.toString(), secondWorkerId.toString()), detail.getList("attempts.workerId"));
        assertEquals(List.of(first.get("executionId"), second.get("executionId")), detail.getList("attempts.executionId"));
        assertEquals(List.of("failed", "failed"), detail.getList("attempts.status"));
        assertEquals(List.of(tag + " once", tag + " for good"), detail.getList("attempts.error"));
        assertTrue(detail.getString("attempts[0].endedAt") != null && detail.getString("attempts[1].assignedAt") != null);
        assertEquals(second.get("attempt"), detail.getInt("attemptsMade"));
    }

    @Test
    void aRedrivenOrderIsPendingWithItsRetriesBackItsTaskQueuedAndClaimedAtAHigherAttempt() {
        Dead dead = dead("test", tag);
        as(owner).post("/api/dead-letters/" + dead.id() + "/redrive").then().statusCode(200)
                .body("action", is("redrive")).body("count", is(1)).body("ids", contains(dead.id()))
                .body("skipped", empty());

        as(owner).get("/api/work-orders/" + dead.id()).then().statusCode(200).body("status", is("pending"))
                .body("retryCount", is(0)).body("claimedBy", nullValue()).body("executionId", nullValue())
                .body("completedAt", nullValue()).body("expiresAt", nullValue());
        as(owner).get("/api/tasks/" + dead.taskId()).then().body("status", is("queued")).body("completedAt", nullValue());
        as(owner).get("/api/dead-letters/" + dead.id()).then().statusCode(404).contentType(PROBLEM);
        assertEquals(1, api.count("select count(*) from task.outbox_events where event_type = 'work_order.redriven'"
                + " and subject_id = '" + dead.id() + "' and envelope -> 'data' ->> 'status' = 'pending'"));
        assertEquals(1, api.count("select count(*) from task.outbox_events where event_type = 'task.status_changed'"
                + " and subject_id = '" + dead.taskId() + "' and envelope -> 'data' ->> 'previousStatus' = 'failed'"
                + " and envelope -> 'data' ->> 'status' = 'queued'"));
        as(owner).queryParam("workOrderId", dead.id()).get("/api/dead-letters/actions").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].action", is("redrive"))
                .body("items[0].actorId", is(ownerId.toString())).body("items[0].taskId", is(dead.taskId()))
                .body("items[0].queue", is("test")).body("items[0].detail.status", is("failed"))
                .body("items[0].detail.error", is(tag)).body("items[0].detail.deadSince", notNullValue());

        // dead() emptied the queue before filing: the redriven order is the only one waiting
        String worker = api.worker(UUID.randomUUID(), "test", 1);
        Map<String, Object> again = api.claim(worker, List.of("test"), 1, 0).get(0);
        assertEquals(dead.id(), again.get("id"));
        assertTrue((Integer) again.get("attempt") > dead.attempt(), "the fencing token never goes back");
        assertEquals("in_progress", status(owner, dead.taskId()));
        // the worker of the dead attempt stays refused
        as(TestTokens.worker(dead.workerId())).body(Map.of("error", "late", "attempt", dead.attempt()))
                .post("/api/work-orders/" + dead.id() + "/fail").then().statusCode(409);
        complete(worker, again);
    }

    @Test
    void aRedriveWakesAWaitingClaimerAtOnce() throws Exception {
        Dead dead = dead("feature", tag);
        api.emptyQueue("feature");
        String worker = api.worker(UUID.randomUUID(), "feature", 1);
        long[] claimedAt = new long[1];
        List<Map<String, Object>> claimed = Collections.synchronizedList(new ArrayList<>());
        Thread claimer = new Thread(() -> {
            claimed.addAll(api.claim(worker, List.of("feature"), 1, 20));
            claimedAt[0] = System.nanoTime();
        });
        claimer.start();
        Thread.sleep(500);
        as(owner).post("/api/dead-letters/" + dead.id() + "/redrive").then().statusCode(200);
        long redrivenAt = System.nanoTime();
        claimer.join(20_000);
        assertEquals(List.of(dead.id()), claimed.stream().map(order -> order.get("id")).toList());
        long after = (claimedAt[0] - redrivenAt) / 1_000_000;
        // the test profile polls every 5 s: only a wake-up explains a claim this soon
        assertTrue(after < 2500, "claimed " + after + " ms after the redrive");
        complete(worker, claimed.get(0));
    }

    @Test
    void aBulkRedriveByFilterTakesWhatMatchesAndByIdsSkipsWhatIsNotDeadOrNotFound() {
        List<Dead> docs = IntStream.range(0, 3).mapToObj(i -> dead("docs", tag + " docs")).toList();
        Dead review = dead("review", tag + " review");

        JsonPath redriven = as(owner).body(Map.of("queue", "docs", "error", tag)).post("/api/dead-letters/redrive")
                .then().statusCode(200).body("action", is("redrive")).body("count", is(3)).extract().jsonPath();
        // newest first
        assertEquals(List.of(docs.get(2).id(), docs.get(1).id(), docs.get(0).id()), redriven.getList("ids"));
        for (Dead order : docs) {
            assertEquals("queued", status(owner, order.taskId()));
        }
        assertEquals("failed", status(owner, review.taskId()));
        assertEquals(3, api.count("select count(*) from task.dead_letter_actions where action = 'redrive'"
                + " and actor_id = '" + ownerId + "' and detail ->> 'error' = '" + tag + " docs'"));

        String unknown = UUID.randomUUID().toString();
        as(owner).body(Map.of("ids", List.of(review.id(), docs.get(0).id(), unknown, review.id())))
                .post("/api/dead-letters/redrive").then().statusCode(200)
                .body("count", is(1)).body("ids", contains(review.id()))
                .body("skipped.id", contains(docs.get(0).id(), unknown))
                .body("skipped[0].reason", is("not dead: the order is pending"))
                .body("skipped[1].reason", is("not found"));
        assertEquals("queued", status(owner, review.taskId()));
        // nothing left to take: an empty answer, not an error
        as(owner).body(Map.of("error", tag, "limit", 10)).post("/api/dead-letters/redrive").then().statusCode(200)
                .body("count", is(0)).body("ids", empty());
    }

    @Test
    void aPurgeDeletesTheOrderAndItsAttemptsKeepsTheTaskFailedAndIsOnRecord() {
        Dead dead = dead("docs", tag);
        as(owner).delete("/api/dead-letters/" + dead.id()).then().statusCode(204);

        assertEquals(0, api.count("select count(*) from task.work_orders where id = '" + dead.id() + "'"));
        assertEquals(0, api.count("select count(*) from task.worker_assignments where work_order_id = '" + dead.id() + "'"));
        assertEquals("failed", status(owner, dead.taskId()));
        assertEquals(1, api.count("select count(*) from task.outbox_events where event_type = 'work_order.purged'"
                + " and subject_id = '" + dead.id() + "'"));
        as(owner).queryParam("workOrderId", dead.id()).get("/api/dead-letters/actions").then()
                .body("items", hasSize(1)).body("items[0].action", is("purge"))
                .body("items[0].actorId", is(ownerId.toString())).body("items[0].detail.error", is(tag));
        as(owner).delete("/api/dead-letters/" + dead.id()).then().statusCode(404).contentType(PROBLEM);

        List<Dead> more = IntStream.range(0, 2).mapToObj(i -> dead("test", tag + " more")).toList();
        as(owner).body(Map.of("ids", more.stream().map(Dead::id).toList())).post("/api/dead-letters/purge")
                .then().statusCode(200).body("action", is("purge")).body("count", is(2));
        as(owner).queryParam("error", tag).get("/api/dead-letters").then().body("items", empty());
        as(owner).queryParam("actorId", ownerId.toString()).get("/api/dead-letters/actions").then()
                .body("items", hasSize(3)).body("items.action", contains("purge", "purge", "purge"));
    }

    @Test
    void onlyTheTasksOwnerAndAdminsSeeAndActOnADeadOrderServicesRead() {
        Dead dead = dead("review", tag);
        String stranger = TestTokens.developer(UUID.randomUUID());
        as(stranger).get("/api/dead-letters/" + dead.id()).then().statusCode(404).contentType(PROBLEM);
        as(stranger).post("/api/dead-letters/" + dead.id() + "/redrive").then().statusCode(404);
        as(stranger).delete("/api/dead-letters/" + dead.id()).then().statusCode(404);
        as(stranger).queryParam("error", tag).get("/api/dead-letters").then().statusCode(200).body("items", empty());
        as(stranger).body(Map.of("ids", List.of(dead.id()))).post("/api/dead-letters/purge").then().statusCode(200)
                .body("count", is(0)).body("skipped[0].reason", is("not found"));
        as(stranger).body(Map.of("error", tag)).post("/api/dead-letters/redrive").then().body("count", is(0));

        for (String refused : List.of(TestTokens.viewer(), api.worker(UUID.randomUUID(), "review", 1))) {
            as(refused).get("/api/dead-letters").then().statusCode(403).contentType(PROBLEM);
            as(refused).get("/api/dead-letters/" + dead.id()).then().statusCode(403);
            as(refused).get("/api/dead-letters/actions").then().statusCode(403);
            as(refused).post("/api/dead-letters/" + dead.id() + "/redrive").then().statusCode(403);
            as(refused).delete("/api/dead-letters/" + dead.id()).then().statusCode(403);
        }
        as(TestTokens.service()).get("/api/dead-letters/" + dead.id()).then().statusCode(200);
        as(TestTokens.service()).queryParam("error", tag).get("/api/dead-letters").then().body("items", hasSize(1));
        as(TestTokens.service()).post("/api/dead-letters/" + dead.id() + "/redrive").then().statusCode(403);

        UUID adminId = UUID.randomUUID();
        String admin = TestTokens.forUser(adminId, "ops", "admin");
        as(admin).queryParam("error", tag).get("/api/dead-letters").then().body("items.id", contains(dead.id()));
        as(admin).post("/api/dead-letters/" + dead.id() + "/redrive").then().statusCode(200).body("count", is(1));
        as(owner).queryParam("workOrderId", dead.id()).get("/api/dead-letters/actions").then()
                .body("items[0].actorId", is(adminId.toString()));
        // a developer reads the record of actions on their own tasks only
        as(stranger).queryParam("workOrderId", dead.id()).get("/api/dead-letters/actions").then()
                .body("items", empty());
    }

    @Test
    void anOrderThatIsNotDeadIsAConflictToRedriveOrPurgeAndNoDeadLetter() {
        String taskId = file(task("feature", "autonomous"));
        String id = api.orderOf(taskId);
        as(owner).post("/api/dead-letters/" + id + "/redrive").then().statusCode(409).contentType(PROBLEM);
        as(owner).delete("/api/dead-letters/" + id).then().statusCode(409).contentType(PROBLEM);
        as(owner).get("/api/dead-letters/" + id).then().statusCode(404);
        as(owner).post("/api/dead-letters/" + UUID.randomUUID() + "/redrive").then().statusCode(404);
        assertEquals("queued", status(owner, taskId));
        assertEquals(0, api.count("select count(*) from task.dead_letter_actions where work_order_id = '" + id + "'"));
    }

    @Test
    void badSelectionsAndParametersAreRefusedWith400() {
        String redrive = "/api/dead-letters/redrive";
        as(owner).body(Map.of()).post(redrive).then().statusCode(400).contentType(PROBLEM);
        as(owner).body(Map.of("limit", 5)).post(redrive).then().statusCode(400);
        as(owner).body(Map.of("ids", List.of(UUID.randomUUID()), "queue", "docs")).post(redrive).then().statusCode(400);
        as(owner).body(Map.of("ids", List.of())).post(redrive).then().statusCode(400);
        as(owner).body(Map.of("ids", IntStream.range(0, 1001).mapToObj(i -> UUID.randomUUID()).toList()))
                .post(redrive).then().statusCode(400);
        as(owner).body(Map.of("ids", List.of("not-a-uuid"))).post(redrive).then().statusCode(400);
        as(owner).body(Map.of("queue", "docs", "limit", 0)).post("/api/dead-letters/purge").then().statusCode(400);
        as(owner).body(Map.of("queue", "docs", "limit", 1001)).post("/api/dead-letters/purge").then().statusCode(400);
        as(owner).body(Map.of("queue", "Not A Queue")).post(redrive).then().statusCode(400);
        as(owner).body(Map.of("queue", "docs", "everything", true)).post(redrive).then().statusCode(400);
        as(owner).body(Map.of("deadBefore", "yesterday")).post(redrive).then().statusCode(400);
        as(owner).post(redrive).then().statusCode(400);

        as(owner).queryParam("limit", 0).get("/api/dead-letters").then().statusCode(400).contentType(PROBLEM);
        as(owner).queryParam("limit", 201).get("/api/dead-letters").then().statusCode(400);
        as(owner).queryParam("cursor", "nonsense").get("/api/dead-letters").then().statusCode(400);
        as(owner).queryParam("deadSince", "last week").get("/api/dead-letters").then().statusCode(400);
        as(owner).queryParam("queue", "DOCS!").get("/api/dead-letters").then().statusCode(400);
        as(owner).queryParam("cursor", "nonsense").get("/api/dead-letters/actions").then().statusCode(400);
        as(owner).queryParam("limit", 500).get("/api/dead-letters/actions").then().statusCode(400);
    }

    /** A task of the caller's on queue {@code type} whose only attempt failed, not retryable: dead at once. */
    private Dead dead(String type, String error) {
        api.emptyQueue(type);
        String taskId = file(task(type, "autonomous"));
        UUID workerId = UUID.randomUUID();
        String worker = api.worker(workerId, type, 1);
        Map<String, Object> order = api.claim(worker, List.of(type), 1, 0).get(0);
        assertEquals(taskId, order.get("taskId"));
        fail(worker, order, error, false);
        assertEquals("failed", status(owner, taskId));
        return new Dead((String) order.get("id"), taskId, workerId, (String) order.get("executionId"),
                (Integer) order.get("attempt"));
    }

    private String file(Map<String, Object> body) {
        String taskId = create(owner, body);
        filed.add(taskId);
        return taskId;
    }

    /** A run of this test's, finished so it holds no worker slot. */
    private static void complete(String worker, Map<String, Object> order) {
        as(worker).body(Map.of("exitCode", 0, "attempt", order.get("attempt")))
                .post("/api/work-orders/" + order.get("id") + "/complete").then().statusCode(200);
    }

    private static void fail(String worker, Map<String, Object> order, String error, boolean retryable) {
        as(worker).body(Map.of("error", error, "retryable", retryable, "attempt", order.get("attempt")))
                .post("/api/work-orders/" + order.get("id") + "/fail").then().statusCode(200);
    }
}
