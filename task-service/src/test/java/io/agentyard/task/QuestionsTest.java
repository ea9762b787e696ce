package io.agentyard.task;

import static io.agentyard.task.TaskApi.PROBLEM;
import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.status;
import static io.agentyard.task.TaskApi.task;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.events.ChatEvents;
import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventJson;
import io.agentyard.shared.events.EventsConfig;
import io.agentyard.shared.events.Uuids;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.agentyard.task.dispatch.DispatchRounds;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Human in the loop: chat-service's question events, published onto its stream as its outbox
 * relay does, block a running task until a person answers; the lease waits with it; the worker
 * gets the answer in its heartbeat. Each test files its own task and worker on a queue it empties.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class QuestionsTest {

    @Inject
    TaskApi api;

    @Inject
    RedisDataSource redis;

    @Inject
    EventsConfig events;

    @Inject
    DispatchRounds rounds;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);
    final UUID conversationId = UUID.randomUUID();

    /** A task of {@code queue} claimed by a new worker: the order as the claim answered it. */
    record Run(String taskId, UUID workerId, String worker, String orderId, String executionId) {
    }

    Run claimed(String queue, String permission) {
        api.emptyQueue(queue);
        String taskId = create(owner, task(queue, permission));
        UUID workerId = UUID.randomUUID();
        String worker = api.worker(workerId, queue, 1);
        Map<String, Object> order = api.claim(worker, List.of(queue), 1, 0).get(0);
        assertEquals(taskId, order.get("taskId"));
        return new Run(taskId, workerId, worker, (String) order.get("id"), (String) order.get("executionId"));
    }

    EventEnvelope asked(Run run, UUID workerId, UUID questionId) {
        return envelope(ChatEvents.QUESTION_ASKED, questionId, new ChatEvents.QuestionAsked(conversationId,
                questionId, UUID.fromString(run.taskId()), workerId, "Which branch should I base it on?",
                Instant.now()));
    }

    EventEnvelope answered(Run run, UUID questionId, UUID answerId, String answer) {
        return envelope(ChatEvents.QUESTION_ANSWERED, answerId, new ChatEvents.QuestionAnswered(conversationId,
                questionId, answerId, UUID.fromString(run.taskId()), run.workerId(), ownerId, answer,
                Instant.now().truncatedTo(ChronoUnit.MICROS)));
    }

    static EventEnvelope envelope(String type, UUID subject, Object data) {
        return new EventEnvelope(Uuids.timeOrdered(), type, ChatEvents.SOURCE, subject.toString(), Instant.now(), 1,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", EventJson.tree(data));
    }

    /** XADDs the envelope to chat-service's stream as its outbox relay does. */
    void publish(EventEnvelope envelope) {
        redis.stream(String.class).xadd(events.streamOf(ChatEvents.SOURCE),
                Map.of("type", envelope.type(), "envelope", EventJson.write(envelope)));
    }

    /** Publishes the envelope and waits until task-service has applied it (its id is recorded then). */
    void apply(EventEnvelope envelope) {
        publish(envelope);
        Eventually.await(Duration.ofSeconds(10), envelope.type() + " " + envelope.id() + " applied",
                () -> api.count("select count(*) from task.processed_events where event_id = '" + envelope.id()
                        + "'") == 1);
    }

    long statusChanges(String taskId, String from, String to) {
        return api.count("select count(*) from task.outbox_events where subject_id = '" + taskId
                + "' and event_type = 'task.status_changed' and envelope -> 'data' ->> 'previousStatus' = '" + from
                + "' and envelope -> 'data' ->> 'status' = '" + to + "'");
    }

    /** The task's task.status_changed events, in the order they were recorded, as "from -> to". */
    List<String> statusHistory(String taskId) {
        try (var connection = api.connection(); var statement = connection.prepareStatement(
                "select envelope -> 'data' ->> 'previousStatus', envelope -> 'data' ->> 'status' from task.outbox_events"
                        + " where subject_id = ? and event_type = 'task.status_changed' order by seq")) {
            statement.setString(1, taskId);
            List<String> history = new ArrayList<>();
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    history.add(rows.getString(1) + " -> " + rows.getString(2));
                }
            }
            return history;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long questions(String taskId, String status) {
        return api.count("select count(*) from task.task_questions where task_id = '" + taskId + "' and status = '"
                + status + "'");
    }

    void leaseRanOut(Run run) {
        api.execute("update task.work_orders set expires_at = now() - interval '1 minute' where id = '"
                + run.orderId() + "'");
    }

    @Test
    void aQuestionBlocksTheTaskUntilTheAnswerWhichTheWorkerGetsInItsHeartbeatWithAFreshLease() {
        Run run = claimed("feature", "autonomous");
        UUID questionId = UUID.randomUUID();
        apply(asked(run, run.workerId(), questionId));

        as(owner).get("/api/tasks/" + run.taskId()).then().statusCode(200)
                .body("status", is("blocked")).body("blockedReason", is("question"));
        assertEquals(1, statusChanges(run.taskId(), "in_progress", "blocked"));
        assertEquals(1, api.count("select count(*) from task.task_questions where id = '" + questionId
                + "' and status = 'open' and conversation_id = '" + conversationId + "' and execution_id = '"
                + run.executionId() + "' and asked_at is not null"));
        as(run.worker()).body(Map.of("attempt", 1)).post("/api/work-orders/" + run.orderId() + "/heartbeat").then().statusCode(200)
                .body("id", is(run.orderId())).body("status", is("claimed")).body("expiresAt", notNullValue())
                .body("awaitingAnswer", is(true)).body("answers", empty());

        UUID answerId = UUID.randomUUID();
        EventEnvelope answer = answered(run, questionId, answerId, "Base it on main.");
        leaseRanOut(run);
        apply(answer);

        as(owner).get("/api/tasks/" + run.taskId()).then().statusCode(200)
                .body("status", is("in_progress")).body("blockedReason", nullValue());
        assertEquals(1, statusChanges(run.taskId(), "blocked", "in_progress"));
        assertEquals(1, api.count("select count(*) from task.work_orders where id = '" + run.orderId()
                + "' and status = 'claimed' and expires_at > now() + interval '50 seconds'"), "a fresh lease (one interval)");
        ChatEvents.QuestionAnswered data = answer.data(ChatEvents.QuestionAnswered.class);
        as(run.worker()).body(Map.of("attempt", 1)).post("/api/work-orders/" + run.orderId() + "/heartbeat").then().statusCode(200)
                .body("awaitingAnswer", is(false)).body("answers", hasSize(1))
                .body("answers[0].questionId", is(questionId.toString()))
                .body("answers[0].messageId", is(answerId.toString()))
                .body("answers[0].conversationId", is(conversationId.toString()))
                .body("answers[0].answer", is("Base it on main."))
                .body("answers[0].answeredBy", is(ownerId.toString()))
                .body("answers[0].answeredAt", is(data.answeredAt().toString()));

        as(run.worker()).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + run.orderId() + "/complete")
                .then().statusCode(200).body("status", is("completed"));
        assertEquals("completed", status(owner, run.taskId()));
    }

    @Test
    void theLeaseReaperLeavesTheLeaseOfATaskAwaitingAnAnswerAloneEvenPastItsExpiry() {
        Run run = claimed("docs", "autonomous");
        apply(asked(run, run.workerId(), UUID.randomUUID()));
        leaseRanOut(run);

        rounds.reapLeasesNow().await().atMost(Duration.ofSeconds(10));

        assertEquals(1, api.count("select count(*) from task.work_orders where id = '" + run.orderId()
                + "' and status = 'claimed' and expires_at < now()"));
        assertEquals(1, api.count("select count(*) from task.worker_assignments where execution_id = '"
                + run.executionId() + "' and status = 'active'"));
        assertEquals("blocked", status(owner, run.taskId()));
        as(run.worker()).body(Map.of("attempt", 1)).post("/api/work-orders/" + run.orderId() + "/heartbeat").then().statusCode(200)
                .body("awaitingAnswer", is(true));

        // a lease that runs out while the task runs is still reaped
        Run other = claimed("test", "autonomous");
        leaseRanOut(other);
        rounds.reapLeasesNow().await().atMost(Duration.ofSeconds(10));
        assertEquals(1, api.count("select count(*) from task.work_orders where id = '" + other.orderId()
                + "' and status = 'pending' and retry_count = 1"));
    }

    @Test
    void aQuestionFromAWorkerThatDoesNotHoldTheTaskOrAboutATaskNotRunningChangesNothing() {
        Run run = claimed("refactor", "autonomous");
        UUID stranger = UUID.randomUUID();
        apply(asked(run, stranger, UUID.randomUUID()));
        assertEquals("in_progress", status(owner, run.taskId()));
        assertEquals(0, api.count("select count(*) from task.task_questions where task_id = '" + run.taskId() + "'"));

        api.emptyQueue("refactor");
        String queued = create(owner, task("refactor", "autonomous"));
        Run notRunning = new Run(queued, run.workerId(), run.worker(), null, null);
        apply(asked(notRunning, run.workerId(), UUID.randomUUID()));
        assertEquals("queued", status(owner, queued));
        assertEquals(0, api.count("select count(*) from task.task_questions where task_id = '" + queued + "'"));

        // nor does a question whose asker's lease ran out (reaped meanwhile or not)
        leaseRanOut(run);
        apply(asked(run, run.workerId(), UUID.randomUUID()));
        assertNotEquals("blocked", status(owner, run.taskId()));
        assertEquals(0, statusChanges(run.taskId(), "in_progress", "blocked"));
        assertEquals(0, api.count("select count(*) from task.task_questions where task_id = '" + run.taskId() + "'"));
    }

    @Test
    void aRepeatedQuestionOrAnswerIsAppliedOnce() {
        Run run = claimed("bugfix", "autonomous");
        UUID questionId = UUID.randomUUID();
        EventEnvelope question = asked(run, run.workerId(), questionId);
        publish(question);
        publish(question); // redelivered as is
        apply(asked(run, run.workerId(), questionId)); // or published again under a new event id
        assertEquals(1, statusChanges(run.taskId(), "in_progress", "blocked"));
        assertEquals(1, questions(run.taskId(), "open"));

        UUID answerId = UUID.randomUUID();
        EventEnvelope answer = answered(run, questionId, answerId, "yes");
        publish(answer);
        publish(answer);
        apply(answered(run, questionId, answerId, "yes"));
        assertEquals(1, statusChanges(run.taskId(), "blocked", "in_progress"));
        assertEquals(1, questions(run.taskId(), "answered"));
        as(run.worker()).body(Map.of("attempt", 1)).post("/api/work-orders/" + run.orderId() + "/heartbeat").then().statusCode(200)
                .body("answers", hasSize(1));
    }

    @Test
    void theTaskRunsOnOnlyOnceEveryOpenQuestionOfTheAttemptIsAnswered() {
        Run run = claimed("review", "autonomous");
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        apply(asked(run, run.workerId(), first));
        apply(asked(run, run.workerId(), second));
        assertEquals(1, statusChanges(run.taskId(), "in_progress", "blocked"));

        apply(answered(run, first, UUID.randomUUID(), "one"));
        assertEquals("blocked", status(owner, run.taskId()));
        as(run.worker()).body(Map.of("attempt", 1)).post("/api/work-orders/" + run.orderId() + "/heartbeat").then().statusCode(200)
                .body("awaitingAnswer", is(true)).body("answers", hasSize(1))
                .body("answers[0].questionId", is(first.toString()));
        apply(answered(run, second, UUID.randomUUID(), "two"));
        assertEquals("in_progress", status(owner, run.taskId()));
        as(run.worker()).body(Map.of("attempt", 1)).post("/api/work-orders/" + run.orderId() + "/heartbeat").then().statusCode(200)
                .body("awaitingAnswer", is(false)).body("answers.answer", is(List.of("one", "two")));
    }

    @Test
    void anAnswerBeforeItsQuestionIsKeptForTheAttemptAndTheQuestionThenBlocksNothing() {
        Run run = claimed("feature", "autonomous");
        UUID questionId = UUID.randomUUID();
        apply(answered(run, questionId, UUID.randomUUID(), "main"));
        apply(asked(run, run.workerId(), questionId));

        assertEquals("in_progress", status(owner, run.taskId()));
        assertEquals(0, statusChanges(run.taskId(), "in_progress", "blocked"));
        assertEquals(1, api.count("select count(*) from task.task_questions where id = '" + questionId
                + "' and status = 'answered' and asked_at is not null"));
        as(run.worker()).body(Map.of("attempt", 1)).post("/api/work-orders/" + run.orderId() + "/heartbeat").then().statusCode(200)
                .body("awaitingAnswer", is(false)).body("answers[0].answer", is("main"));

        // an answer to an unknown question of a task nobody runs is dropped
        api.emptyQueue("feature");
        String queued = create(owner, task("feature", "autonomous"));
        apply(answered(new Run(queued, run.workerId(), run.worker(), null, null), UUID.randomUUID(),
                UUID.randomUUID(), "lost"));
        assertEquals(0, api.count("select count(*) from task.task_questions where task_id = '" + queued + "'"));
    }

    @Test
    void aSupervisedRunCompletingWhileItsQuestionWaitsEndsTheWaitThenAwaitsReview() {
        Run run = claimed("docs", "supervised");
        UUID questionId = UUID.randomUUID();
        apply(asked(run, run.workerId(), questionId));
        leaseRanOut(run); // paused: the worker may still report

        as(run.worker()).body(Map.of("attempt", 1, "exitCode", 0, "result", Map.of("pages", 3)))
                .post("/api/work-orders/" + run.orderId() + "/complete").then().statusCode(200)
                .body("status", is("completed"));

        as(owner).get("/api/tasks/" + run.taskId()).then().body("status", is("blocked"))
                .body("blockedReason", is("review"));
        assertEquals(List.of("pending -> queued", "queued -> in_progress", "in_progress -> blocked", "blocked -> in_progress",
                "in_progress -> blocked"), statusHistory(run.taskId()), "the question's wait, its end, the review's");
        assertEquals(1, questions(run.taskId(), "withdrawn"));

        // a late answer changes nothing; the review goes on as ever
        apply(answered(run, questionId, UUID.randomUUID(), "too late"));
        assertEquals(1, questions(run.taskId(), "withdrawn"));
        as(owner).post("/api/tasks/" + run.taskId() + "/approve").then().statusCode(200)
                .body("status", is("completed")).body("blockedReason", nullValue());
    }

    @Test
    void aRunFailingWhileItsQuestionWaitsEndsTheWaitAndGoesBackToTheQueue() {
        Run run = claimed("test", "autonomous");
        apply(asked(run, run.workerId(), UUID.randomUUID()));
        leaseRanOut(run);

        as(run.worker()).body(Map.of("attempt", 1, "error", "gave up waiting")).post("/api/work-orders/" + run.orderId() + "/fail")
                .then().statusCode(200).body("status", is("pending"));

        as(owner).get("/api/tasks/" + run.taskId()).then().body("status", is("queued"))
                .body("blockedReason", nullValue());
        assertEquals(List.of("pending -> queued", "queued -> in_progress", "in_progress -> blocked", "blocked -> in_progress",
                "in_progress -> queued"), statusHistory(run.taskId()));
        assertEquals(1, questions(run.taskId(), "withdrawn"));
    }

    @Test
    void approveAndRejectRefuseATaskAwaitingAnAnswer() {
        Run run = claimed("bugfix", "supervised");
        apply(asked(run, run.workerId(), UUID.randomUUID()));

        as(owner).post("/api/tasks/" + run.taskId() + "/approve").then().statusCode(409).contentType(PROBLEM)
                .body("detail", is("the task awaits an answer to its worker's question, not an approval"));
        as(owner).body(Map.of("comment", "redo")).post("/api/tasks/" + run.taskId() + "/reject").then()
                .statusCode(409).contentType(PROBLEM);
        as(owner).get("/api/tasks/" + run.taskId()).then().body("status", is("blocked"))
                .body("blockedReason", is("question")).body("reviewComment", nullValue());

        // cancelling still works, and withdraws the question
        as(owner).post("/api/tasks/" + run.taskId() + "/cancel").then().statusCode(200)
                .body("status", is("cancelled")).body("blockedReason", nullValue());
        assertEquals(1, questions(run.taskId(), "withdrawn"));
    }

    @Test
    void theHolderOfATaskIsItsRunningAttemptForAdminsAndServicesOnly() {
        Run run = claimed("refactor", "autonomous");
        String holder = "/api/work-orders/tasks/" + run.taskId() + "/holder";

        as(TestTokens.service()).get(holder).then().statusCode(200)
                .body("executionId", is(run.executionId())).body("workOrderId", is(run.orderId()))
                .body("taskId", is(run.taskId())).body("workerId", is(run.workerId().toString()))
                .body("attempt", is(1)).body("status", is("active")).body("ownerId", is(ownerId.toString()))
                .body("claimedAt", notNullValue());
        as(TestTokens.admin()).get(holder).then().statusCode(200).body("workerId", is(run.workerId().toString()));
        as(owner).get(holder).then().statusCode(403).contentType(PROBLEM);
        as(run.worker()).get(holder).then().statusCode(403);
        as(TestTokens.viewer()).get(holder).then().statusCode(403);
        given().get(holder).then().statusCode(401);

        // awaiting an answer, the worker still holds it, however old its lease
        apply(asked(run, run.workerId(), UUID.randomUUID()));
        leaseRanOut(run);
        as(TestTokens.service()).get(holder).then().statusCode(200).body("executionId", is(run.executionId()));

        as(run.worker()).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + run.orderId() + "/complete")
                .then().statusCode(200);
        as(TestTokens.service()).get(holder).then().statusCode(404).contentType(PROBLEM)
                .body("detail", is("nobody holds task " + run.taskId() + " now"));
        UUID unknown = UUID.randomUUID();
        as(TestTokens.service()).get("/api/work-orders/tasks/" + unknown + "/holder").then().statusCode(404);

        Run expired = claimed("refactor", "autonomous");
        leaseRanOut(expired);
        as(TestTokens.service()).get("/api/work-orders/tasks/" + expired.taskId() + "/holder").then()
                .statusCode(404);
    }
}
