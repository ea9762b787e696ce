package io.agentyard.task;

import static io.agentyard.task.TaskApi.PROBLEM;
import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.task;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * GET /api/work-orders/executions/{executionId}: execution-service asks who holds an execution
 * before it has consumed the claim event. Each test uses a queue of its own.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class ExecutionHoldersTest {

    @Inject
    TaskApi api;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);
    final String service = TestTokens.service();

    @Test
    void theHolderOfARunningExecutionIsItsWorkerWithTheTasksOwnerAgentWorkflowAndInput() {
        api.emptyQueue("feature");
        UUID agentId = UUID.randomUUID();
        UUID workflowId = UUID.randomUUID();
        Map<String, Object> body = task("feature", "autonomous");
        body.putAll(Map.of("agentId", agentId.toString(), "workflowId", workflowId.toString(),
                "input", Map.of("prompt", "add a page", "pages", List.of("login"))));
        String taskId = create(owner, body);
        UUID workerId = UUID.randomUUID();
        String worker = api.worker(workerId, "feature", 1);
        Map<String, Object> order = api.claim(worker, List.of("feature"), 1, 0).get(0);
        String executionId = (String) order.get("executionId");

        as(service).get("/api/work-orders/executions/" + executionId).then().statusCode(200)
                .body("executionId", is(executionId))
                .body("workOrderId", is(order.get("id")))
                .body("taskId", is(taskId))
                .body("workerId", is(workerId.toString()))
                .body("attempt", is(1))
                .body("status", is("active"))
                .body("ownerId", is(ownerId.toString()))
                .body("agentId", is(agentId.toString()))
                .body("workflowId", is(workflowId.toString()))
                .body("input.prompt", is("add a page"))
                .body("input.pages", is(List.of("login")))
                .body("claimedAt", notNullValue());

        as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + order.get("id") + "/complete")
                .then().statusCode(200);
        as(TestTokens.admin()).get("/api/work-orders/executions/" + executionId).then().statusCode(200)
                .body("status", is("completed")).body("attempt", is(1));
    }

    @Test
    void aFinishedAttemptKeepsItsWorkerNumberAndStatusAfterARetry() {
        api.emptyQueue("bugfix");
        String taskId = create(owner, task("bugfix", "autonomous"));
        UUID firstId = UUID.randomUUID();
        String first = api.worker(firstId, "bugfix", 1);
        Map<String, Object> firstClaim = api.claim(first, List.of("bugfix"), 1, 0).get(0);
        String orderId = (String) firstClaim.get("id");
        as(first).body(Map.of("attempt", 1, "error", "flaky network")).post("/api/work-orders/" + orderId + "/fail")
                .then().statusCode(200).body("status", is("pending"));
        UUID secondId = UUID.randomUUID();
        String second = api.worker(secondId, "bugfix", 1);
        Eventually.await(Duration.ofSeconds(5), "the order is claimable after its backoff",
                () -> !api.claim(second, List.of("bugfix"), 1, 0).isEmpty());
        String secondExecution = as(service).get("/api/work-orders/" + orderId).then().statusCode(200)
                .body("retryCount", is(1)).extract().path("executionId");
        assertNotEquals(firstClaim.get("executionId"), secondExecution);

        as(service).get("/api/work-orders/executions/" + firstClaim.get("executionId")).then().statusCode(200)
                .body("workOrderId", is(orderId)).body("taskId", is(taskId))
                .body("workerId", is(firstId.toString())).body("attempt", is(1)).body("status", is("failed"))
                .body("ownerId", is(ownerId.toString())).body("agentId", nullValue()).body("input", nullValue());
        as(service).get("/api/work-orders/executions/" + secondExecution).then().statusCode(200)
                .body("workOrderId", is(orderId)).body("workerId", is(secondId.toString()))
                .body("attempt", is(2)).body("status", is("active"));
        assertEquals(2, api.count("select count(*) from task.worker_assignments a join task.work_orders o"
                + " on o.id = a.work_order_id where o.id = '" + orderId + "'"));
    }

    @Test
    void anExecutionIdTaskServiceNeverIssuedIsNotFound() {
        UUID unknown = UUID.randomUUID();
        as(service).get("/api/work-orders/executions/" + unknown).then().statusCode(404).contentType(PROBLEM)
                .body("detail", is("execution " + unknown + " does not exist"));
    }

    @Test
    void onlyAdminsAndServicesAskWhoHoldsAnExecution() {
        api.emptyQueue("docs");
        create(owner, task("docs", "autonomous"));
        UUID workerId = UUID.randomUUID();
        String worker = api.worker(workerId, "docs", 1);
        String executionId = (String) api.claim(worker, List.of("docs"), 1, 0).get(0).get("executionId");

        as(owner).get("/api/work-orders/executions/" + executionId).then().statusCode(403).contentType(PROBLEM);
        as(worker).get("/api/work-orders/executions/" + executionId).then().statusCode(403).contentType(PROBLEM);
        as(TestTokens.viewer()).get("/api/work-orders/executions/" + executionId).then().statusCode(403);
        given().get("/api/work-orders/executions/" + executionId).then().statusCode(401);
        as(service).get("/api/work-orders/executions/" + executionId).then().statusCode(200)
                .body("workerId", is(workerId.toString()));
    }
}
