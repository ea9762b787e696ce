package io.agentyard.task;

import static io.agentyard.task.TaskApi.PROBLEM;
import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.status;
import static io.agentyard.task.TaskApi.task;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** A completion that carries the worker's next claim ({@code next}): one request per order instead of two. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class NextClaimTest {

    @Inject
    TaskApi api;

    final String owner = TestTokens.developer(UUID.randomUUID());

    @Test
    void aCompletionThatNamesItsNextClaimGetsTheNextOrderOnceItHasCommitted() {
        String queue = "next_claim";
        String worker = api.worker(UUID.randomUUID(), "review", 1);
        List<String> taskIds = tasksOn(queue, 3);
        Map<String, Object> first = api.claim(worker, List.of(queue), 1, 0).get(0);

        // one slot: the next claim finds it free only because the completion committed first
        JsonPath answer = as(worker).body(completion(first, Map.of("queues", List.of(queue), "max", 1)))
                .post("/api/work-orders/" + first.get("id") + "/complete").then().statusCode(200)
                .body("id", is(first.get("id"))).body("status", is("completed")).body("result.pr", is(1))
                .body("next", hasSize(1)).body("next[0].attempt", is(1)).body("next[0].queue", is(queue))
                .extract().jsonPath();
        String second = answer.getString("next[0].id");
        assertNotEquals(first.get("id"), second);
        assertEquals(1, api.count("select count(*) from task.work_orders where id = '" + first.get("id")
                + "' and status = 'completed'"));
        assertEquals(1, api.count("select count(*) from task.work_orders where id = '" + second
                + "' and status = 'claimed' and claimed_by is not null"));
        assertEquals(1, api.count("select count(*) from task.outbox_events where event_type = 'work_order.claimed'"
                + " and subject_id = '" + second + "'"));

        // asking for more than its free slots gets what a claim would: one
        String third = as(worker).body(completion(Map.of("id", second, "attempt", 1),
                        Map.of("queues", List.of(queue), "max", 5)))
                .post("/api/work-orders/" + second + "/complete").then().statusCode(200)
                .body("next", hasSize(1)).extract().path("next[0].id");
        // nothing left: an empty list, at once (no wait asked)
        as(worker).body(completion(Map.of("id", third, "attempt", 1), Map.of("queues", List.of(queue))))
                .post("/api/work-orders/" + third + "/complete").then().statusCode(200)
                .body("status", is("completed")).body("next", hasSize(0));
        for (String taskId : taskIds) {
            assertEquals("completed", status(owner, taskId));
        }
    }

    @Test
    void withoutNextTheAnswerIsTheOrderAlone() {
        String queue = "next_absent";
        Holder holder = holderOfOneOfTwo(queue);
        String worker = holder.token();
        Map<String, Object> order = holder.order();
        as(worker).body(completion(order, null)).post("/api/work-orders/" + order.get("id") + "/complete")
                .then().statusCode(200).body("status", is("completed")).body("$", not(hasKey("next")));
        assertEquals(1, api.count("select count(*) from task.work_orders where queue_name = '" + queue
                + "' and status = 'pending'"), "nothing claimed beside the completion");
    }

    @Test
    void aNextClaimWaitsForWorkLikeAnyClaim() throws Exception {
        String queue = "refactor"; // a task type's own queue, so that the new order is announced on it
        api.emptyQueue(queue);
        String worker = api.worker(UUID.randomUUID(), "review", 1);
        create(owner, task(queue, "autonomous"));
        Map<String, Object> order = api.claim(worker, List.of(queue), 1, 0).get(0);
        CompletableFuture<JsonPath> answer = CompletableFuture.supplyAsync(() -> as(worker)
                .body(completion(order, Map.of("queues", List.of(queue), "max", 1, "waitSeconds", 20)))
                .post("/api/work-orders/" + order.get("id") + "/complete").then().statusCode(200)
                .extract().jsonPath());
        Thread.sleep(500);
        assertEquals(1, api.count("select count(*) from task.work_orders where id = '" + order.get("id")
                + "' and status = 'completed'"), "the completion committed before its claim began to wait");
        String arrived = create(owner, task(queue, "autonomous"));
        // woken by the new order's announcement: the test's fallback poll (5 s) and the wait (20 s) are longer
        JsonPath body = answer.get(4, TimeUnit.SECONDS);
        assertEquals("completed", body.getString("status"));
        assertEquals(arrived, body.getString("next[0].taskId"));
    }

    @Test
    void aRefusedCompletionClaimsNothing() {
        String queue = "next_refused";
        Holder holder = holderOfOneOfTwo(queue);
        String worker = holder.token();
        Map<String, Object> order = holder.order();
        as(worker).body(completion(Map.of("id", order.get("id"), "attempt", 2), Map.of("queues", List.of(queue))))
                .post("/api/work-orders/" + order.get("id") + "/complete").then().statusCode(403).contentType(PROBLEM);
        assertEquals(1, api.count("select count(*) from task.work_orders where queue_name = '" + queue
                + "' and status = 'pending'"), "the other order still waits");
    }

    @Test
    void aWorkerThatMayNotClaimKeepsItsCompletionAndGetsNoOrders() {
        String queue = "next_not_ready";
        Holder holder = holderOfOneOfTwo(queue);
        String worker = holder.token();
        Map<String, Object> order = holder.order();
        api.execute("update task.workers set status = 'error' where id = '" + holder.workerId() + "'");
        as(worker).body(completion(order, Map.of("queues", List.of(queue))))
                .post("/api/work-orders/" + order.get("id") + "/complete").then().statusCode(200)
                .body("status", is("completed")).body("next", hasSize(0));
        assertEquals(1, api.count("select count(*) from task.work_orders where queue_name = '" + queue
                + "' and status = 'pending'"));
        // its own claim says why
        as(worker).body(Map.of("queues", List.of(queue))).post("/api/work-orders/claim").then().statusCode(409)
                .contentType(PROBLEM).body("detail", containsString("heartbeat"));
    }

    @Test
    void aMalformedNextIsRefusedWholeAndCompletesNothing() {
        String queue = "next_malformed";
        Holder holder = holderOfOneOfTwo(queue);
        String worker = holder.token();
        Map<String, Object> order = holder.order();
        String path = "/api/work-orders/" + order.get("id") + "/complete";
        as(worker).body(completion(order, Map.of("queues", List.of("Not A Queue")))).post(path)
                .then().statusCode(400).contentType(PROBLEM).body("detail", containsString("queue"));
        as(worker).body(completion(order, Map.of("queues", List.of(queue), "max", 51))).post(path)
                .then().statusCode(400).contentType(PROBLEM);
        as(worker).body(completion(order, Map.of("max", 1))).post(path).then().statusCode(400).contentType(PROBLEM);
        as(worker).body(Map.of("completions", List.of(item(order)),
                        "next", Map.of("queues", List.of(queue), "waitSeconds", 31)))
                .post("/api/work-orders/complete").then().statusCode(400).contentType(PROBLEM);
        assertEquals(1, api.count("select count(*) from task.work_orders where id = '" + order.get("id")
                + "' and status = 'claimed'"), "not completed");
    }

    @Test
    void aBulkCompletionsNextClaimRunsOnceAllAreSettled() {
        String queue = "next_bulk";
        String worker = api.worker(UUID.randomUUID(), "review", 2);
        tasksOn(queue, 5);
        List<Map<String, Object>> held = api.claim(worker, List.of(queue), 2, 0);
        assertEquals(2, held.size());
        List<Map<String, Object>> items = new ArrayList<>();
        for (Map<String, Object> order : held) {
            items.add(item(order));
        }
        // both slots are free again only once both completions are in
        JsonPath answer = as(worker).body(Map.of("completions", items, "next", Map.of("queues", List.of(queue), "max", 10)))
                .post("/api/work-orders/complete").then().statusCode(200)
                .body("results.status", everyItem(is(200))).body("next", hasSize(2)).extract().jsonPath();
        Set<String> ids = new HashSet<>(answer.getList("next.id", String.class));
        assertEquals(2, ids.size());
        for (Map<String, Object> order : held) {
            assertEquals(false, ids.contains((String) order.get("id")));
        }
        assertEquals(2, api.count("select count(*) from task.work_orders where queue_name = '" + queue
                + "' and status = 'completed'"));
        assertEquals(2, api.count("select count(*) from task.work_orders where queue_name = '" + queue
                + "' and status = 'claimed'"));
        // without next, no next in the answer
        List<Map<String, Object>> again = new ArrayList<>();
        for (String id : ids) {
            again.add(item(Map.of("id", id, "attempt", 1)));
        }
        as(worker).body(Map.of("completions", again)).post("/api/work-orders/complete").then().statusCode(200)
                .body("$", not(hasKey("next")));
    }

    /** A worker (two slots) and the order it claimed of two new ones on {@code queue}; the other waits. */
    private record Holder(UUID workerId, String token, Map<String, Object> order) {
    }

    private Holder holderOfOneOfTwo(String queue) {
        UUID workerId = UUID.randomUUID();
        String token = api.worker(workerId, "review", 2);
        tasksOn(queue, 2);
        return new Holder(workerId, token, api.claim(token, List.of(queue), 1, 0).get(0));
    }

    /** {@code n} tasks whose orders wait on {@code queue}; their ids. */
    private List<String> tasksOn(String queue, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String taskId = create(owner, task("review", "autonomous"));
            api.execute("update task.work_orders set queue_name = '" + queue + "' where task_id = '" + taskId + "'");
            ids.add(taskId);
        }
        return ids;
    }

    /** A successful run of {@code order}'s attempt, with {@code next} when not null. */
    private static Map<String, Object> completion(Map<String, Object> order, Map<String, Object> next) {
        Map<String, Object> body = new HashMap<>();
        body.put("attempt", order.get("attempt"));
        body.put("exitCode", 0);
        body.put("result", Map.of("pr", 1));
        if (next != null) {
            body.put("next", next);
        }
        return body;
    }

    /** {@link #completion} as an item of a bulk completion: with the order's id. */
    private static Map<String, Object> item(Map<String, Object> order) {
        Map<String, Object> item = completion(order, null);
        item.put("id", order.get("id"));
        return item;
    }
}
