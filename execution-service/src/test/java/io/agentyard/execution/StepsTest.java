package io.agentyard.execution;

import static io.agentyard.execution.ExecutionApi.PROBLEM;
import static io.agentyard.execution.ExecutionApi.as;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.containsString;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The worker holding a run starts and finishes its steps; readers list them in order. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class StepsTest {

    @Inject
    ExecutionApi api;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    @Test
    void stepsAreStartedFinishedAndListedInOrder() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        String worker = TestTokens.worker(run.workerId());
        String steps = "/api/executions/" + run.executionId() + "/steps";
        String plan = as(worker).body(Map.of("name", "plan", "type", "llm_call", "input", Map.of("prompt", "go")))
                .post(steps).then().statusCode(201)
                .header("Location", containsString("/api/executions/" + run.executionId() + "/steps/"))
                .body("position", is(1)).body("status", is("running")).body("input.prompt", is("go"))
                .extract().path("id");
        String edit = as(worker).body(Map.of("name", "edit file", "type", "tool")).post(steps).then().statusCode(201)
                .body("position", is(2)).extract().path("id");
        as(worker).body(Map.of("output", Map.of("plan", "three steps"))).patch(steps + "/" + plan).then()
                .statusCode(200).body("status", is("completed")).body("output.plan", is("three steps"))
                .body("completedAt", notNullValue()).body("durationMs", notNullValue());
        as(worker).body(Map.of("status", "failed", "error", "permission denied")).patch(steps + "/" + edit).then()
                .statusCode(200).body("status", is("failed")).body("error", is("permission denied"));

        as(owner).get(steps).then().statusCode(200)
                .body("name", is(List.of("plan", "edit file")))
                .body("status", is(List.of("completed", "failed")));
        as(owner).get("/api/executions/" + run.executionId()).then().body("stepCount", is(2));
    }

    @Test
    void badStepRequestsAreProblems() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        String worker = TestTokens.worker(run.workerId());
        String steps = "/api/executions/" + run.executionId() + "/steps";
        as(worker).body(Map.of("name", "x", "type", "teleport")).post(steps).then().statusCode(400).contentType(PROBLEM);
        as(worker).body(Map.of("type", "tool")).post(steps).then().statusCode(400);
        as(TestTokens.worker(UUID.randomUUID())).body(Map.of("name", "x", "type", "tool")).post(steps).then()
                .statusCode(403).contentType(PROBLEM);
        as(owner).body(Map.of("name", "x", "type", "tool")).post(steps).then().statusCode(403);
        as(worker).body(Map.of()).patch(steps + "/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);

        String step = as(worker).body(Map.of("name", "x", "type", "code")).post(steps).then().statusCode(201)
                .extract().path("id");
        as(worker).body(Map.of("status", "running")).patch(steps + "/" + step).then().statusCode(400);
        as(worker).body(Map.of()).patch(steps + "/" + step).then().statusCode(200);
        as(worker).body(Map.of()).patch(steps + "/" + step).then().statusCode(409).contentType(PROBLEM);

        api.completed(run, 0, Map.of(), null, null, null);
        api.awaitStatus(run.executionId(), "completed");
        as(worker).body(Map.of("name", "late", "type", "tool")).post(steps).then().statusCode(409);
        as(TestTokens.developer(UUID.randomUUID())).get(steps).then().statusCode(404);
    }
}
