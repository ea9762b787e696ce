package io.agentyard.task;

import static io.agentyard.task.TaskApi.PROBLEM;
import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.status;
import static io.agentyard.task.TaskApi.task;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** POST /api/work-orders/complete: several runs reported at once, each as its own completion would be. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class BulkCompletionsTest {

    private static final String PATH = "/api/work-orders/complete";

    @Inject
    TaskApi api;

    final String owner = TestTokens.developer(UUID.randomUUID());

    @Test
    void eachCompletionIsRecordedOrRefusedOnItsOwnAndAnsweredInOrder() {
        String queue = "test";
        api.emptyQueue(queue);
        String worker = api.worker(UUID.randomUUID(), queue, 10);
        String other = api.worker(UUID.randomUUID(), queue, 10);
        List<String> taskIds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            taskIds.add(create(owner, task(queue, "autonomous")));
        }
        List<Map<String, Object>> mine = api.claim(worker, List.of(queue), 3, 0);
        assertEquals(3, mine.size());
        Map<String, Object> theirs = api.claim(other, List.of(queue), 1, 0).get(0);
        UUID unknown = UUID.randomUUID();

        List<Map<String, Object>> items = List.of(
                done(mine.get(0), 1, Map.of("pr", 1)),
                done(theirs, 1, Map.of("pr", 2)),           // another worker's order: 403
                done(mine.get(1), 1, Map.of("pr", 3)),
                Map.of("id", unknown.toString(), "attempt", 1), // no such order: 404
                done(mine.get(2), 2, Map.of("pr", 4)));         // an attempt it does not hold (the order is in its first): 403
        as(worker).body(Map.of("completions", items)).post(PATH).then().statusCode(200)
                .body("results", hasSize(5))
                .body("results[0].id", is(mine.get(0).get("id"))).body("results[0].status", is(200))
                .body("results[0].order.status", is("completed")).body("results[0].order.result.pr", is(1))
                .body("results[0].problem", nullValue())
                .body("results[1].status", is(403)).body("results[1].problem.status", is(403))
                .body("results[1].order", nullValue())
                .body("results[2].status", is(200)).body("results[2].order.result.pr", is(3))
                .body("results[3].id", is(unknown.toString())).body("results[3].status", is(404))
                .body("results[3].problem.detail", containsString(unknown.toString()))
                .body("results[4].status", is(403));

        // what the database holds: the two accepted runs completed, the refused ones untouched
        assertEquals("completed", orderStatus(mine.get(0)));
        assertEquals("completed", orderStatus(mine.get(1)));
        assertEquals("claimed", orderStatus(mine.get(2)));
        assertEquals("claimed", orderStatus(theirs));
        assertEquals(2, api.count("select count(*) from task.outbox_events where event_type = 'work_order.completed'"
                + " and subject_id in ('" + mine.get(0).get("id") + "', '" + mine.get(1).get("id") + "', '"
                + mine.get(2).get("id") + "', '" + theirs.get("id") + "')"));
        assertEquals("completed", status(owner, (String) mine.get(0).get("taskId")));
        assertEquals("in_progress", status(owner, (String) mine.get(2).get("taskId")));

        // sent again, an accepted one answers as it did (a retried request changes nothing), one with another
        // outcome is a conflict; the holder finishes its own
        as(worker).body(Map.of("completions", List.of(done(mine.get(0), 1, Map.of("pr", 1)),
                        done(mine.get(1), 1, Map.of("pr", 99)), done(mine.get(2), 1, Map.of("pr", 4)))))
                .post(PATH).then().statusCode(200)
                .body("results[0].status", is(200)).body("results[0].order.result.pr", is(1))
                .body("results[1].status", is(409)).body("results[1].problem.status", is(409))
                .body("results[2].status", is(200));
        as(other).body(Map.of("completions", List.of(done(theirs, 1, Map.of("pr", 2))))).post(PATH).then().statusCode(200)
                .body("results[0].status", is(200));
        assertEquals(4, api.count("select count(*) from task.outbox_events where event_type = 'work_order.completed'"
                + " and subject_id in ('" + mine.get(0).get("id") + "', '" + mine.get(1).get("id") + "', '"
                + mine.get(2).get("id") + "', '" + theirs.get("id") + "')"), "one event per order, none for the repeat");
        for (String taskId : taskIds) {
            assertEquals("completed", status(owner, taskId));
        }
    }

    @Test
    void aBatchsCompletionsGoToTheDatabaseInOneTransaction() {
        String queue = "bulk_one_batch";
        String worker = api.worker(UUID.randomUUID(), queue, 10);
        for (int i = 0; i < 10; i++) {
            String taskId = create(owner, task("review", "autonomous"));
            api.execute("update task.work_orders set queue_name = '" + queue + "' where task_id = '" + taskId + "'");
        }
        List<Map<String, Object>> orders = api.claim(worker, List.of(queue), 10, 0);
        assertEquals(10, orders.size());
        double[] before = completionBatches();
        as(worker).body(Map.of("completions", orders.stream().map(o -> done(o, 1, Map.of("ok", true))).toList()))
                .post(PATH).then().statusCode(200).body("results.status", everyItem(is(200)));
        double[] after = completionBatches();
        assertEquals(1, after[0] - before[0], "one batch");
        assertEquals(10, after[1] - before[1], "of the ten completions");
        assertEquals(10, api.count("select count(*) from task.work_orders where queue_name = '" + queue
                + "' and status = 'completed'"));
    }

    @Test
    void aMalformedRequestIsRefusedWholeAndWritesNothing() {
        String queue = "docs";
        api.emptyQueue(queue);
        String worker = api.worker(UUID.randomUUID(), queue, 2);
        create(owner, task(queue, "autonomous"));
        Map<String, Object> order = api.claim(worker, List.of(queue), 1, 0).get(0);

        as(worker).body(Map.of("completions", List.of())).post(PATH).then().statusCode(400).contentType(PROBLEM);
        as(worker).body(Map.of()).post(PATH).then().statusCode(400).contentType(PROBLEM);
        as(worker).body(Map.of("completions", List.of(Map.of("id", order.get("id")))))
                .post(PATH).then().statusCode(400).contentType(PROBLEM).body("detail", containsString("attempt"));
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            tooMany.add(Map.of("id", UUID.randomUUID().toString(), "attempt", 1));
        }
        as(worker).body(Map.of("completions", tooMany)).post(PATH).then().statusCode(400).contentType(PROBLEM);
        // the same order twice: which outcome would count? Refused whole
        as(worker).body(Map.of("completions", List.of(done(order, 1, Map.of("a", 1)), done(order, 1, Map.of("a", 2)))))
                .post(PATH).then().statusCode(422).contentType(PROBLEM)
                .body("detail", containsString((String) order.get("id")));
        assertEquals("claimed", orderStatus(order));

        // workers only; a token is needed
        as(owner).body(Map.of("completions", List.of(done(order, 1, Map.of())))).post(PATH).then().statusCode(403).contentType(PROBLEM);
        io.restassured.RestAssured.given().contentType("application/json")
                .body(Map.of("completions", List.of(done(order, 1, Map.of())))).post(PATH).then().statusCode(401);
        assertEquals("claimed", orderStatus(order));
    }

    /** The completions' group-commit batches so far and the requests they merged (from /q/metrics). */
    private static double[] completionBatches() {
        String metrics = io.restassured.RestAssured.when().get("/q/metrics").then().statusCode(200).extract().asString();
        return new double[] {sample(metrics, "agentyard_group_commit_batch_size_count"),
            sample(metrics, "agentyard_group_commit_batch_size_sum")};
    }

    private static double sample(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*kind=\"completions\"[^}]*\\}\\s+(\\S+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static Map<String, Object> done(Map<String, Object> order, int attempt, Map<String, Object> result) {
        Map<String, Object> item = new HashMap<>();
        item.put("id", order.get("id"));
        item.put("attempt", attempt);
        item.put("exitCode", 0);
        item.put("result", result);
        return item;
    }

    private String orderStatus(Map<String, Object> order) {
        return api.count("select count(*) from task.work_orders where id = '" + order.get("id") + "' and status = 'completed'") == 1
                ? "completed"
                : api.count("select count(*) from task.work_orders where id = '" + order.get("id") + "' and status = 'claimed'") == 1
                        ? "claimed" : "other";
    }
}
