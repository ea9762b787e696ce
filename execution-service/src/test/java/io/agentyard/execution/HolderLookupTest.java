package io.agentyard.execution;

import static io.agentyard.execution.ExecutionApi.PROBLEM;
import static io.agentyard.execution.ExecutionApi.as;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.events.ExecutionEvents;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A worker writes to its execution the moment task-service's claim returns, before execution-service
 * has heard of it: execution-service asks the real task-service (with its own identity from the real
 * identity-service) who holds it, records it, and takes the write; strangers stay out.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TaskServiceWorld.class, restrictToAnnotatedClass = true)
class HolderLookupTest {

    @Inject
    ExecutionApi api;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    /** A task filed in task-service and claimed there by a new worker: the claimed order as task-service answered. */
    Map<String, Object> claimInTaskService(String type, UUID workerId) {
        String taskService = TaskServiceWorld.taskService.url();
        io.restassured.RestAssured.given().baseUri(taskService).contentType(ContentType.JSON).auth().oauth2(owner)
                .body(Map.of("title", "Write the docs", "taskType", type, "permissionLevel", "autonomous",
                        "input", Map.of("topic", "logs")))
                .post("/api/tasks").then().statusCode(201);
        api.execute("insert into task.workers (id, worker_type, max_concurrent_tasks, status) values ('" + workerId
                + "', '" + type + "', 2, 'idle')");
        List<Map<String, Object>> claimed = io.restassured.RestAssured.given().baseUri(taskService)
                .contentType(ContentType.JSON).auth().oauth2(TestTokens.worker(workerId))
                .body(Map.of("queues", List.of(type), "max", 1, "waitSeconds", 2))
                .post("/api/work-orders/claim").then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(1, claimed.size());
        return claimed.get(0);
    }

    static Map<String, Object> lines(String message) {
        return Map.of("lines", List.of(Map.of("level", "INFO", "message", message)));
    }

    @Test
    void theHolderWritesAtOnceAndTheRunIsRecordedFromTaskService() {
        UUID workerId = UUID.randomUUID();
        Map<String, Object> order = claimInTaskService("docs", workerId);
        String executionId = (String) order.get("executionId");
        String worker = TestTokens.worker(workerId);

        as(worker).body(lines("cloning")).post("/api/executions/" + executionId + "/logs").then().statusCode(201)
                .body("firstSequence", is(1));
        as(worker).body(Map.of("name", "clone", "type", "tool")).post("/api/executions/" + executionId + "/steps")
                .then().statusCode(201);

        as(owner).get("/api/executions/" + executionId).then().statusCode(200)
                .body("status", is("running"))
                .body("ownerId", is(ownerId.toString()))
                .body("workerId", is(workerId.toString()))
                .body("taskId", is(order.get("taskId")))
                .body("workOrderId", is(order.get("id")))
                .body("inputData.topic", is("logs"));
        as(TestTokens.developer(UUID.randomUUID())).get("/api/executions/" + executionId).then().statusCode(404);

        // the claim event, arriving late, records nothing twice
        UUID id = UUID.fromString(executionId);
        ExecutionApi.Run run = new ExecutionApi.Run(id, UUID.fromString((String) order.get("id")),
                UUID.fromString((String) order.get("taskId")), workerId, ownerId, null, null, 1);
        UUID claimEvent = api.claimed(run, Map.of("topic", "logs"));
        Eventually.await(Duration.ofSeconds(10), "the late claim consumed",
                () -> api.count("select count(*) from execution.processed_events where event_id = '" + claimEvent + "'") == 1);
        assertEquals(1, api.count("select count(*) from execution.executions where id = '" + executionId + "'"));
        assertEquals(List.of(ExecutionEvents.EXECUTION_STARTED),
                api.executionEvents(id).stream().map(envelope -> envelope.type()).toList());
    }

    @Test
    void aStrangerIsRefusedEvenBeforeTheRunIsKnownAndCostsTheHolderNothing() {
        UUID workerId = UUID.randomUUID();
        String executionId = (String) claimInTaskService("test", workerId).get("executionId");
        as(TestTokens.worker(UUID.randomUUID())).body(lines("sneaky")).post("/api/executions/" + executionId + "/logs")
                .then().statusCode(403).contentType(PROBLEM);
        as(TestTokens.worker(workerId)).body(lines("mine")).post("/api/executions/" + executionId + "/logs")
                .then().statusCode(201).body("firstSequence", is(1));
        assertEquals(1, api.count("select count(*) from execution.execution_logs where execution_id = '" + executionId + "'"));
    }

    @Test
    void anExecutionTaskServiceNeverIssuedIsNotFound() {
        as(TestTokens.worker(UUID.randomUUID())).body(lines("lost")).post("/api/executions/" + UUID.randomUUID() + "/logs")
                .then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void taskServiceDownIsA503QuicklyAndTheWriteWorksOnceItIsBack() {
        UUID workerId = UUID.randomUUID();
        String executionId = (String) claimInTaskService("refactor", workerId).get("executionId");
        TaskServiceWorld.taskService.stop();
        try {
            long started = System.nanoTime();
            as(TestTokens.worker(workerId)).body(lines("early")).post("/api/executions/" + executionId + "/logs")
                    .then().statusCode(503).contentType(PROBLEM);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 5000, "answered in " + millis + " ms");
        } finally {
            TaskServiceWorld.taskService.start();
        }
        Eventually.await(Duration.ofSeconds(15), "the write accepted once task-service is back", () ->
                as(TestTokens.worker(workerId)).body(lines("later")).post("/api/executions/" + executionId + "/logs")
                        .then().extract().statusCode() == 201);
    }
}
