package io.agentyard.task;

import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.status;
import static io.agentyard.task.TaskApi.task;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Permission levels: supervised runs wait for review; human_required waits for approval to run. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class ApprovalsTest {

    @Inject
    TaskApi api;

    final String owner = TestTokens.developer(UUID.randomUUID());

    String runOnce(String worker, String queue, String taskId) {
        Map<String, Object> order = api.claim(worker, List.of(queue), 1, 0).get(0);
        assertEquals(taskId, order.get("taskId"));
        as(worker).body(Map.of("attempt", 1, "exitCode", 0, "result", Map.of("pr", 7)))
                .post("/api/work-orders/" + order.get("id") + "/complete").then().statusCode(200);
        return (String) order.get("id");
    }

    @Test
    void aSupervisedTaskWaitsForReviewThenCompletesOnApproval() {
        String worker = api.worker(UUID.randomUUID(), "feature", 1);
        api.emptyQueue("feature");
        String id = create(owner, task("feature", "supervised"));
        runOnce(worker, "feature", id);
        assertEquals("blocked", status(owner, id));
        as(owner).body(Map.of("comment", "ship it")).post("/api/tasks/" + id + "/approve").then().statusCode(200)
                .body("status", is("completed")).body("approvedAt", notNullValue()).body("reviewComment", is("ship it"));
        as(owner).post("/api/tasks/" + id + "/approve").then().statusCode(409);
    }

    @Test
    void aRejectedSupervisedTaskRunsAgainWithTheReviewersComment() {
        String worker = api.worker(UUID.randomUUID(), "bugfix", 1);
        api.emptyQueue("bugfix");
        String id = create(owner, task("bugfix", "supervised"));
        runOnce(worker, "bugfix", id);
        as(owner).body(Map.of("comment", "add a regression test")).post("/api/tasks/" + id + "/reject")
                .then().statusCode(200).body("status", is("queued"));
        Map<String, Object> again = api.claim(worker, List.of("bugfix"), 1, 0).get(0);
        assertEquals("add a regression test", ((Map<?, ?>) again.get("payload")).get("reviewComment"));
        as(owner).body(Map.of()).post("/api/tasks/" + id + "/reject").then().statusCode(400);
    }

    @Test
    void aHumanRequiredTaskIsNotDispatchedUntilApproved() {
        String id = create(owner, task("review", "human_required"));
        assertEquals("pending", status(owner, id));
        assertEquals(0, api.count("select count(*) from task.work_orders where task_id = '" + id + "'"));
        as(owner).post("/api/tasks/" + id + "/approve").then().statusCode(200).body("status", is("queued"));
        assertEquals(1, api.count("select count(*) from task.work_orders where task_id = '" + id + "'"));
        String other = create(owner, task("review", "human_required"));
        as(owner).body(Map.of("comment", "not now")).post("/api/tasks/" + other + "/reject").then().statusCode(200)
                .body("status", is("cancelled"));
        String autonomous = create(owner, task("review", "autonomous"));
        as(owner).post("/api/tasks/" + autonomous + "/approve").then().statusCode(409);
    }
}
