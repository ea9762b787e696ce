package io.agentyard.execution;

import static io.agentyard.execution.ExecutionApi.PROBLEM;
import static io.agentyard.execution.ExecutionApi.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventTracing;
import io.agentyard.shared.events.ExecutionEvents;
import io.agentyard.shared.events.TaskEvents;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.opentelemetry.api.trace.TraceId;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Executions follow task-service's claims and outcomes, once each, and are read only by who may. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class ExecutionsTest {

    @Inject
    ExecutionApi api;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    @Test
    void aClaimStartsARunWithEverythingTheClaimKnew() {
        UUID agent = UUID.randomUUID();
        UUID workflow = UUID.randomUUID();
        ExecutionApi.Run run = ExecutionApi.Run.of(ownerId, UUID.randomUUID()).forAgent(agent, workflow);
        api.claimed(run, Map.of("goal", "add a README"));
        api.awaitRecorded(run.executionId());

        as(owner).get("/api/executions/" + run.executionId()).then().statusCode(200)
                .body("status", is("running"))
                .body("taskId", is(run.taskId().toString()))
                .body("workOrderId", is(run.workOrderId().toString()))
                .body("attempt", is(1))
                .body("workerId", is(run.workerId().toString()))
                .body("ownerId", is(ownerId.toString()))
                .body("agentId", is(agent.toString()))
                .body("workflowId", is(workflow.toString()))
                .body("inputData.goal", is("add a README"))
                .body("traceId", is("4bf92f3577b34da6a3ce929d0e0e4736"))
                .body("startedAt", notNullValue())
                .body("completedAt", nullValue());

        Eventually.await(Duration.ofSeconds(10), "execution.started on the stream",
                () -> api.executionEvents(run.executionId()).size() == 1);
        EventEnvelope started = api.executionEvents(run.executionId()).get(0);
        assertEquals(ExecutionEvents.EXECUTION_STARTED, started.type());
        // written in the consumer's span: the claim's trace, a span of its own
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", EventTracing.spanContextOf(started.traceparent()).getTraceId());
        assertNotEquals(ExecutionApi.TRACEPARENT, started.traceparent());
        assertEquals(agent, started.data(ExecutionEvents.ExecutionStarted.class).agentId());
    }

    @Test
    void aClaimWithAnUnusableTraceparentStillStartsARunInATraceOfItsOwn() {
        ExecutionApi.Run malformed = ExecutionApi.Run.of(ownerId, UUID.randomUUID());
        ExecutionApi.Run absent = ExecutionApi.Run.of(ownerId, UUID.randomUUID());
        api.claimed(malformed, Map.of("goal", "x"), "00-not-a-trace-01");
        api.claimed(absent, Map.of("goal", "y"), null);
        api.awaitRecorded(malformed.executionId());
        api.awaitRecorded(absent.executionId());

        String first = as(owner).get("/api/executions/" + malformed.executionId()).then().statusCode(200)
                .extract().path("traceId");
        String second = as(owner).get("/api/executions/" + absent.executionId()).then().statusCode(200)
                .extract().path("traceId");
        assertTrue(TraceId.isValid(first), first);
        assertTrue(TraceId.isValid(second), second);
        assertNotEquals(first, second, "each starts a trace of its own");
    }

    @Test
    void aCompletionFinishesTheRunOnceWithItsOutcome() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        api.completed(run, 0, Map.of("summary", "done"), "all good", "a warning",
                Map.of("tokens", 1200));
        api.awaitStatus(run.executionId(), "completed");

        as(owner).get("/api/executions/" + run.executionId()).then().statusCode(200)
                .body("exitCode", is(0))
                .body("outputData.summary", is("done"))
                .body("stdoutTail", is("all good"))
                .body("stderrTail", is("a warning"))
                .body("metrics.tokens", is(1200))
                .body("completedAt", notNullValue())
                .body("durationMs", notNullValue())
                .body("durationSeconds", notNullValue());

        // a later failure of the same attempt, and the completion delivered again, change nothing
        api.ended(run, TaskEvents.WORK_ORDER_FAILED, "too late");
        Eventually.await(Duration.ofSeconds(10), "the late events consumed",
                () -> api.count("select count(*) from execution.processed_events") >= 3);
        as(owner).get("/api/executions/" + run.executionId()).then().body("status", is("completed"))
                .body("errorMessage", nullValue());
        Eventually.await(Duration.ofSeconds(10), "started and finished on the stream",
                () -> api.executionEvents(run.executionId()).size() == 2);
        EventEnvelope finished = api.executionEvents(run.executionId()).get(1);
        assertEquals(ExecutionEvents.EXECUTION_FINISHED, finished.type());
        ExecutionEvents.ExecutionFinished data = finished.data(ExecutionEvents.ExecutionFinished.class);
        assertEquals("completed", data.status());
        assertTrue(data.durationMs() != null && data.durationMs() >= 0, "a duration");
    }

    @Test
    void aRedeliveredEventIsAppliedOnce() {
        ExecutionApi.Run run = ExecutionApi.Run.of(ownerId, UUID.randomUUID());
        api.claimed(run, null);
        api.awaitRecorded(run.executionId());
        Eventually.await(Duration.ofSeconds(10), "execution.started",
                () -> api.executionEvents(run.executionId()).size() == 1);
        long processed = api.count("select count(*) from execution.processed_events");
        // the same claim envelope again, as a consumer group redelivers it
        api.republish(api.taskEvents(run.workOrderId()).get(0));
        api.ended(run, TaskEvents.WORK_ORDER_EXPIRED, "lease expired");
        api.awaitStatus(run.executionId(), "timeout");
        assertEquals(processed + 1, api.count("select count(*) from execution.processed_events"), "the redelivered claim was skipped");
        Eventually.await(Duration.ofSeconds(10), "finished on the stream",
                () -> api.executionEvents(run.executionId()).size() == 2);
        assertEquals(List.of(ExecutionEvents.EXECUTION_STARTED, ExecutionEvents.EXECUTION_FINISHED),
                api.executionEvents(run.executionId()).stream().map(EventEnvelope::type).toList());
    }

    @Test
    void anOutcomeThatOvertakesItsClaimStillLeavesOneCompleteRecord() {
        ExecutionApi.Run run = ExecutionApi.Run.of(ownerId, UUID.randomUUID());
        api.ended(run, TaskEvents.WORK_ORDER_FAILED, "crashed");
        api.awaitStatus(run.executionId(), "failed");
        api.claimed(run, Map.of("goal", "late"));
        Eventually.await(Duration.ofSeconds(10), "the claim's facts filled in", () -> api.count(
                "select count(*) from execution.executions where id = '" + run.executionId()
                        + "' and trace_id is not null and started_at is not null and duration_ms is not null") == 1);
        as(owner).get("/api/executions/" + run.executionId()).then().statusCode(200)
                .body("status", is("failed")).body("errorMessage", is("crashed")).body("inputData.goal", is("late"));
        assertEquals(1, api.count("select count(*) from execution.executions where id = '" + run.executionId() + "'"));
    }

    @Test
    void aCancelledTaskCancelsItsOpenRunsOnly() {
        UUID taskId = UUID.randomUUID();
        ExecutionApi.Run open = ExecutionApi.Run.of(ownerId, UUID.randomUUID()).ofTask(taskId);
        api.claimed(open, null);
        api.awaitRecorded(open.executionId());
        ExecutionApi.Run other = api.running(ownerId, UUID.randomUUID());
        api.taskCancelled(taskId);
        api.awaitStatus(open.executionId(), "cancelled");
        as(owner).get("/api/executions/" + other.executionId()).then().body("status", is("running"));
    }

    @Test
    void onlyTheOwnerAdminsViewersServicesAndTheHoldingWorkerRead() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        String path = "/api/executions/" + run.executionId();
        as(owner).get(path).then().statusCode(200);
        as(TestTokens.admin()).get(path).then().statusCode(200);
        as(TestTokens.viewer()).get(path).then().statusCode(200);
        as(TestTokens.service()).get(path).then().statusCode(200);
        as(TestTokens.worker(run.workerId())).get(path).then().statusCode(200);
        as(TestTokens.developer(UUID.randomUUID())).get(path).then().statusCode(404).contentType(PROBLEM);
        as(TestTokens.worker(UUID.randomUUID())).get(path).then().statusCode(404);
        io.restassured.RestAssured.get(path).then().statusCode(401);
        as(owner).get("/api/executions/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void listsFilterAndPageWithACursorThatNeitherSkipsNorRepeats() {
        UUID me = UUID.randomUUID();
        String mine = TestTokens.developer(me);
        UUID agent = UUID.randomUUID();
        UUID workflow = UUID.randomUUID();
        UUID worker = UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ExecutionApi.Run run = ExecutionApi.Run.of(me, worker).forAgent(agent, i < 2 ? workflow : null);
            api.claimed(run, null);
            api.awaitRecorded(run.executionId());
            ids.add(run.executionId().toString());
        }
        api.running(UUID.randomUUID(), worker); // someone else's run on the same worker

        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            var page = as(mine).queryParam("limit", 2).queryParam("cursor", cursor == null ? "" : cursor)
                    .get("/api/executions").then().statusCode(200).extract().jsonPath();
            paged.addAll(page.getList("items.id"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        java.util.Collections.reverse(ids);
        assertEquals(ids, paged);

        as(mine).get("/api/agents/" + agent + "/executions").then().statusCode(200).body("items.size()", is(5));
        as(mine).get("/api/workflows/" + workflow + "/executions").then().statusCode(200).body("items.size()", is(2));
        as(TestTokens.admin()).queryParam("workerId", worker).get("/api/executions").then()
                .body("items.size()", is(6));
        as(TestTokens.worker(worker)).get("/api/executions").then().body("items.size()", is(6));
        as(mine).queryParam("status", "completed").get("/api/executions").then().body("items.size()", is(0));
        as(mine).queryParam("from", "2999-01-01T00:00:00Z").get("/api/executions").then().body("items.size()", is(0));

        as(mine).queryParam("status", "sleeping").get("/api/executions").then().statusCode(400).contentType(PROBLEM);
        as(mine).queryParam("from", "yesterday").get("/api/executions").then().statusCode(400).contentType(PROBLEM);
        as(mine).queryParam("cursor", "not-a-cursor").get("/api/executions").then().statusCode(400);
        as(mine).queryParam("limit", 101).get("/api/executions").then().statusCode(400);
    }
}
