package io.agentyard.task;

import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventJson;
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

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Inject
    TaskApi api;

    @Inject
    RedisDataSource redis;

    @Inject
    EventsConfig events;

    final String owner = TestTokens.developer(UUID.randomUUID());

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
        as(worker).header("traceparent", TRACEPARENT).body(Map.of("result", Map.of("ok", true), "exitCode", 0))
                .post("/api/work-orders/" + orderId + "/complete").then().statusCode(200);

        AtomicReference<List<EventEnvelope>> traced = new AtomicReference<>(List.of());
        Eventually.await(Duration.ofSeconds(10), "five events of the trace on the stream", () -> {
            traced.set(redis.stream(String.class).xrange(events.streamOf(TaskEvents.SOURCE), StreamRange.of("-", "+"))
                    .stream().map(StreamMessage::payload).map(fields -> EventJson.read(fields.get("envelope")))
                    .filter(e -> TRACEPARENT.equals(e.traceparent())).toList());
            return traced.get().size() == 5;
        });
        List<EventEnvelope> published = traced.get();

        assertEquals(List.of(TaskEvents.TASK_STATUS_CHANGED, TaskEvents.WORK_ORDER_CLAIMED,
                        TaskEvents.WORK_ORDER_COMPLETED, TaskEvents.TASK_STATUS_CHANGED, TaskEvents.TASK_COMPLETED),
                published.stream().map(EventEnvelope::type).toList());
        for (EventEnvelope envelope : published) {
            assertEquals(7, envelope.id().version(), "event ids are time-ordered UUIDs (v7)");
            assertEquals(TaskEvents.SOURCE, envelope.source());
            assertEquals(1, envelope.schemaVersion());
            assertTrue(Duration.between(envelope.occurredAt(), Instant.now()).abs().toMinutes() < 1);
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

        TaskEvents.WorkOrderChanged completed = published.get(2).data(TaskEvents.WorkOrderChanged.class);
        assertEquals("completed", completed.status());
        assertEquals(claimed.executionId(), completed.executionId());
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
        as(worker).body(Map.of("exitCode", 0)).post("/api/work-orders/" + orderId + "/complete").then().statusCode(200);

        assertEquals(1, api.count("select count(*) from task.outbox where subject_id = '" + taskId
                + "' and event_type = 'task.status_changed' and envelope -> 'data' ->> 'status' = 'blocked'"));
        assertEquals(0, api.count("select count(*) from task.outbox where subject_id = '" + taskId
                + "' and event_type = 'task.completed'"));
        assertEquals(1, api.count("select count(*) from task.tasks where id = '" + taskId
                + "' and status = 'blocked' and completed_at is null"));
    }
}
