package io.agentyard.task;

import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventJson;
import io.agentyard.shared.events.EventTracing;
import io.agentyard.shared.events.EventsConfig;
import io.agentyard.shared.events.TaskEvents;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Claim and completion write their events in SQL (V3__event_envelopes.sql): they reach the stream
 * as envelopes every consumer reads with shared-model's EventJson, in order, carrying the
 * request's trace context.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class DispatchEventsTest {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @Inject
    TaskApi api;

    @Inject
    RedisDataSource redis;

    @Inject
    EventsConfig events;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    @Test
    void claimAndCompletionPublishEnvelopesConsumersRead() {
        api.emptyQueue("docs");
        String taskId = create(owner, task("docs", "autonomous"));
        UUID workerId = UUID.randomUUID();
        String worker = api.worker(workerId, "docs", 1);
        Map<String, Object> order = as(worker).header("traceparent", TRACEPARENT)
                .body(Map.of("queues", List.of("docs"), "max", 1)).post("/api/work-orders/claim")
                .then().statusCode(200).extract().jsonPath().getList("$", Map.class).get(0);
        String orderId = (String) order.get("id");
        as(worker).header("traceparent", TRACEPARENT).body(Map.of("attempt", 1, "result", Map.of("ok", true), "exitCode", 0))
                .post("/api/work-orders/" + orderId + "/complete").then().statusCode(200);

        AtomicReference<List<EventEnvelope>> traced = new AtomicReference<>(List.of());
        Eventually.await(Duration.ofSeconds(10), "five events of the trace on the stream", () -> {
            traced.set(redis.stream(String.class).xrange(events.streamOf(TaskEvents.SOURCE), StreamRange.of("-", "+"))
                    .stream().map(StreamMessage::payload).map(fields -> EventJson.read(fields.get("envelope")))
                    .filter(e -> TRACE_ID.equals(EventTracing.spanContextOf(e.traceparent()).getTraceId())).toList());
            return traced.get().size() == 5;
        });
        List<EventEnvelope> published = traced.get();
        // recorded as one outbox row per change (creation with dispatch, claim, completion), each
        // event its own stream entry: nine events of the task and its order in three rows
        String ofTaskOrOrder = " from task.outbox_events where subject_id in ('" + taskId + "', '" + orderId + "')";
        assertEquals(9, api.count("select count(*)" + ofTaskOrOrder));
        assertEquals(3, api.count("select count(distinct seq)" + ofTaskOrOrder));
        assertEquals(0, api.count("select count(*) from task.outbox_events where published_at is null"
                + " and envelope ->> 'traceparent' like '%" + TRACE_ID + "%'"));

        assertEquals(List.of(TaskEvents.TASK_STATUS_CHANGED, TaskEvents.WORK_ORDER_CLAIMED,
                        TaskEvents.WORK_ORDER_COMPLETED, TaskEvents.TASK_STATUS_CHANGED, TaskEvents.TASK_COMPLETED),
                published.stream().map(EventEnvelope::type).toList());
        for (EventEnvelope envelope : published) {
            assertEquals(7, envelope.id().version(), "event ids are time-ordered UUIDs (v7)");
            assertEquals(TaskEvents.SOURCE, envelope.source());
            assertEquals(1, envelope.schemaVersion());
            assertTrue(Duration.between(envelope.occurredAt(), Instant.now()).abs().toMinutes() < 1);
            assertNotEquals("00f067aa0ba902b7", EventTracing.spanContextOf(envelope.traceparent()).getSpanId(),
                    "written in the request's server span, a child of the caller's");
        }

        TaskEvents.TaskStatusChanged started = published.get(0).data(TaskEvents.TaskStatusChanged.class);
        assertEquals(new TaskEvents.TaskStatusChanged(UUID.fromString(taskId), "queued", "in_progress", workerId),
                started);
        assertEquals(taskId, published.get(0).subjectId());

        TaskEvents.WorkOrderChanged claimed = published.get(1).data(TaskEvents.WorkOrderChanged.class);
        assertEquals(orderId, published.get(1).subjectId());
        assertEquals(UUID.fromString(orderId), claimed.workOrderId());
        assertEquals("claimed", claimed.status());
        assertEquals(1, claimed.attempt());
        assertEquals(workerId, claimed.workerId());
        assertEquals(order.get("executionId"), claimed.executionId().toString());
        assertEquals(Instant.parse((String) order.get("leaseExpiresAt")), claimed.leaseExpiresAt());
        assertEquals(ownerId, claimed.ownerId(), "the task's owner is on every work_order event");
        assertNull(claimed.agentId());
        assertNull(claimed.workflowId());
        assertNull(claimed.input());
        assertNull(claimed.exitCode(), "the outcome belongs to the completion");

        TaskEvents.WorkOrderChanged completed = published.get(2).data(TaskEvents.WorkOrderChanged.class);
        assertEquals("completed", completed.status());
        assertEquals(claimed.executionId(), completed.executionId());
        assertEquals(ownerId, completed.ownerId());
        assertEquals(0, completed.exitCode());
        assertEquals(Map.of("ok", true), completed.result());
        assertNull(completed.stdoutTail());
        assertNull(completed.metrics());
        for (EventEnvelope envelope : published.subList(1, 3)) {
            assertShapeOfWorkOrderChanged(envelope);
        }
        assertEquals(new TaskEvents.TaskStatusChanged(UUID.fromString(taskId), "in_progress", "completed", workerId),
                published.get(3).data(TaskEvents.TaskStatusChanged.class));
        assertEquals(published.get(3).data(TaskEvents.TaskStatusChanged.class),
                published.get(4).data(TaskEvents.TaskStatusChanged.class));
        assertNotNull(published.get(4).occurredAt());
    }

    @Test
    void aSupervisedRunWaitsForReviewWithoutTaskCompleted() {
        api.emptyQueue("review");
        String taskId = create(owner, task("review", "supervised"));
        String worker = api.worker(UUID.randomUUID(), "review", 1);
        String orderId = (String) api.claim(worker, List.of("review"), 1, 0).get(0).get("id");
        as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + orderId + "/complete").then().statusCode(200);

        assertEquals(1, api.count("select count(*) from task.outbox_events where subject_id = '" + taskId
                + "' and event_type = 'task.status_changed' and envelope -> 'data' ->> 'status' = 'blocked'"));
        assertEquals(0, api.count("select count(*) from task.outbox_events where subject_id = '" + taskId
                + "' and event_type = 'task.completed'"));
        assertEquals(1, api.count("select count(*) from task.tasks where id = '" + taskId
                + "' and status = 'blocked' and completed_at is null"));
    }

    @Test
    void aCreatedTaskGoesStraightToItsQueueAndPublishesItsFourEventsInOrder() {
        String taskId = create(owner, task("docs", "autonomous"));
        assertEquals(1, api.count("select count(*) from task.work_orders where task_id = '" + taskId
                + "' and status = 'pending'"));
        String orderId = api.orderOf(taskId);
        assertEquals(1, api.count("select count(*) from task.tasks where id = '" + taskId + "' and status = 'queued'"));

        List<EventEnvelope> published = eventsOf(Set.of(taskId, orderId), 4);
        assertEquals(List.of(TaskEvents.TASK_CREATED, TaskEvents.TASK_STATUS_CHANGED, TaskEvents.TASK_DISPATCHED,
                TaskEvents.WORK_ORDER_ENQUEUED), published.stream().map(EventEnvelope::type).toList());
        assertEquals(new TaskEvents.TaskStatusChanged(UUID.fromString(taskId), "pending", "queued", null),
                published.get(1).data(TaskEvents.TaskStatusChanged.class));
        assertEquals(UUID.fromString(orderId), published.get(2).data(TaskEvents.TaskDispatched.class).workOrderId());
        assertEquals(1, api.count("select count(distinct seq) from task.outbox_events where subject_id in ('"
                + taskId + "', '" + orderId + "')"), "the creation's events are one outbox row");

        // a task that waits for approval is stored pending, with its creation's event only
        String waiting = create(owner, task("docs", "human_required"));
        assertEquals(1, api.count("select count(*) from task.tasks where id = '" + waiting + "' and status = 'pending'"));
        assertEquals(0, api.count("select count(*) from task.work_orders where task_id = '" + waiting + "'"));
        assertEquals(List.of(TaskEvents.TASK_CREATED),
                eventsOf(Set.of(waiting), 1).stream().map(EventEnvelope::type).toList());
    }

    /** The events about {@code subjects} on the stream, in stream order, once {@code count} of them are there. */
    private List<EventEnvelope> eventsOf(Set<String> subjects, int count) {
        AtomicReference<List<EventEnvelope>> found = new AtomicReference<>(List.of());
        Eventually.await(Duration.ofSeconds(10), count + " events of " + subjects + " on the stream", () -> {
            found.set(redis.stream(String.class).xrange(events.streamOf(TaskEvents.SOURCE), StreamRange.of("-", "+"))
                    .stream().map(StreamMessage::payload).map(fields -> EventJson.read(fields.get("envelope")))
                    .filter(e -> subjects.contains(e.subjectId())).toList());
            return found.get().size() >= count;
        });
        return found.get();
    }

    @Test
    void workOrderEventsCarryTheRunsOwnerAgentWorkflowInputAndOutcome() {
        api.emptyQueue("test");
        UUID agentId = UUID.randomUUID();
        UUID workflowId = UUID.randomUUID();
        Map<String, Object> input = Map.of("prompt", "write the tests", "files", List.of("A.java", "B.java"),
                "limits", Map.of("minutes", 10));
        Map<String, Object> body = task("test", "autonomous");
        body.put("agentId", agentId.toString());
        body.put("workflowId", workflowId.toString());
        body.put("input", input);
        create(owner, body);
        String worker = api.worker(UUID.randomUUID(), "test", 1);
        Map<String, Object> order = api.claim(worker, List.of("test"), 1, 0).get(0);
        String orderId = (String) order.get("id");
        Map<?, ?> payload = (Map<?, ?>) order.get("payload");
        assertEquals(input, payload.get("input"), "the worker gets the input in the payload");
        assertEquals(agentId.toString(), payload.get("agentId"));
        assertEquals(workflowId.toString(), payload.get("workflowId"));
        assertEquals(ownerId.toString(), payload.get("createdBy"));
        String stdout = "x".repeat(10_000) + "y".repeat(TaskEvents.OUTPUT_TAIL - 3) + "end";
        Map<String, Object> outcome = new HashMap<>();
        outcome.put("attempt", 1);
        outcome.put("result", Map.of("passed", 41, "failed", 1));
        outcome.put("exitCode", 1);
        outcome.put("stdout", stdout);
        outcome.put("stderr", "1 test failed");
        outcome.put("metrics", Map.of("tokens", 1234, "durationMs", 5600));
        as(worker).body(outcome).post("/api/work-orders/" + orderId + "/complete").then().statusCode(200);

        List<EventEnvelope> events = eventsAbout(orderId, 3);
        assertEquals(List.of(TaskEvents.WORK_ORDER_ENQUEUED, TaskEvents.WORK_ORDER_CLAIMED,
                TaskEvents.WORK_ORDER_COMPLETED), events.stream().map(EventEnvelope::type).toList());
        for (EventEnvelope envelope : events) {
            assertShapeOfWorkOrderChanged(envelope);
            TaskEvents.WorkOrderChanged data = envelope.data(TaskEvents.WorkOrderChanged.class);
            assertEquals(ownerId, data.ownerId(), envelope.type());
            assertEquals(agentId, data.agentId(), envelope.type());
            assertEquals(workflowId, data.workflowId(), envelope.type());
        }
        TaskEvents.WorkOrderChanged enqueued = events.get(0).data(TaskEvents.WorkOrderChanged.class);
        assertNull(enqueued.input(), "the input travels on the claim only");
        assertNull(enqueued.exitCode());

        TaskEvents.WorkOrderChanged claimed = events.get(1).data(TaskEvents.WorkOrderChanged.class);
        assertEquals(input, claimed.input());
        assertNull(claimed.exitCode());
        assertNull(claimed.result());
        assertNull(claimed.stdoutTail());

        TaskEvents.WorkOrderChanged completed = events.get(2).data(TaskEvents.WorkOrderChanged.class);
        assertNull(completed.input());
        assertEquals(1, completed.exitCode());
        assertEquals(Map.of("passed", 41, "failed", 1), completed.result());
        assertEquals(TaskEvents.OUTPUT_TAIL, completed.stdoutTail().length());
        assertEquals(stdout.substring(stdout.length() - TaskEvents.OUTPUT_TAIL), completed.stdoutTail());
        assertTrue(completed.stdoutTail().endsWith("yyyend"));
        assertEquals("1 test failed", completed.stderrTail());
        assertEquals(Map.of("tokens", 1234, "durationMs", 5600), completed.metrics());
    }

    @Test
    void failedAndDeadLetteredOrdersNameTheOwnerAgentAndWorkflowToo() {
        api.emptyQueue("refactor");
        UUID agentId = UUID.randomUUID();
        Map<String, Object> body = task("refactor", "autonomous");
        body.put("agentId", agentId.toString());
        body.put("input", Map.of("target", "Foo.java"));
        create(owner, body);
        String worker = api.worker(UUID.randomUUID(), "refactor", 1);
        String orderId = (String) api.claim(worker, List.of("refactor"), 1, 0).get(0).get("id");
        as(worker).body(Map.of("attempt", 1, "error", "cannot build", "retryable", false))
                .post("/api/work-orders/" + orderId + "/fail").then().statusCode(200);

        List<EventEnvelope> events = eventsAbout(orderId, 4);
        assertEquals(List.of(TaskEvents.WORK_ORDER_ENQUEUED, TaskEvents.WORK_ORDER_CLAIMED,
                TaskEvents.WORK_ORDER_FAILED, TaskEvents.WORK_ORDER_DEAD_LETTERED),
                events.stream().map(EventEnvelope::type).toList());
        for (EventEnvelope envelope : events.subList(2, 4)) {
            assertShapeOfWorkOrderChanged(envelope);
            TaskEvents.WorkOrderChanged data = envelope.data(TaskEvents.WorkOrderChanged.class);
            assertEquals(ownerId, data.ownerId());
            assertEquals(agentId, data.agentId());
            assertNull(data.workflowId());
            assertNull(data.input());
            assertNull(data.exitCode());
            assertEquals("cannot build", data.error());
        }
    }

    /** The work_order.* events about {@code orderId} on the stream, once {@code count} of them are there. */
    private List<EventEnvelope> eventsAbout(String orderId, int count) {
        AtomicReference<List<EventEnvelope>> found = new AtomicReference<>(List.of());
        Predicate<EventEnvelope> about = e -> orderId.equals(e.subjectId()) && e.type().startsWith("work_order.");
        Eventually.await(Duration.ofSeconds(10), count + " events of order " + orderId + " on the stream", () -> {
            found.set(redis.stream(String.class).xrange(events.streamOf(TaskEvents.SOURCE), StreamRange.of("-", "+"))
                    .stream().map(StreamMessage::payload).map(fields -> EventJson.read(fields.get("envelope")))
                    .filter(about).toList());
            return found.get().size() >= count;
        });
        return found.get();
    }

    /** Built in SQL or in Java, a work_order.* event's data has exactly the fields of WorkOrderChanged. */
    private static void assertShapeOfWorkOrderChanged(EventEnvelope envelope) {
        Set<String> expected = new TreeSet<>(Arrays.stream(TaskEvents.WorkOrderChanged.class.getRecordComponents())
                .map(component -> component.getName()).toList());
        Set<String> actual = new TreeSet<>();
        envelope.data().fieldNames().forEachRemaining(actual::add);
        assertEquals(expected, actual, envelope.type() + " data fields");
    }
}
