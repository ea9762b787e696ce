package io.agentyard.execution;

import static io.restassured.RestAssured.given;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventJson;
import io.agentyard.shared.events.EventsConfig;
import io.agentyard.shared.events.TaskEvents;
import io.agentyard.shared.events.Uuids;
import io.agentyard.shared.testing.Eventually;
import io.agroal.api.AgroalDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Test kit of execution-service: speaks its API, plays task-service's part on the task stream (the
 * events a claim and its outcome publish, in the envelope every consumer reads), and peeks at the
 * tables and at the execution stream.
 */
@ApplicationScoped
public class ExecutionApi {

    public static final String PROBLEM = "application/problem+json";
    public static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    final AgroalDataSource database;
    final RedisDataSource redis;
    final EventsConfig events;

    ExecutionApi(AgroalDataSource database, RedisDataSource redis, EventsConfig events) {
        this.database = database;
        this.redis = redis;
        this.events = events;
    }

    public static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).auth().oauth2(token);
    }

    /** A claimed run as task-service describes it. */
    public record Run(UUID executionId, UUID workOrderId, UUID taskId, UUID workerId, UUID ownerId, UUID agentId,
                      UUID workflowId, int attempt) {

        public static Run of(UUID ownerId, UUID workerId) {
            return new Run(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), workerId, ownerId, null, null, 1);
        }

        public Run forAgent(UUID agent, UUID workflow) {
            return new Run(executionId, workOrderId, taskId, workerId, ownerId, agent, workflow, attempt);
        }

        public Run ofTask(UUID task) {
            return new Run(executionId, workOrderId, task, workerId, ownerId, agentId, workflowId, attempt);
        }
    }

    /** Publishes work_order.claimed for the run, as task-service's claim does. */
    public UUID claimed(Run run, Map<String, Object> input) {
        return claimed(run, input, TRACEPARENT);
    }

    /** Publishes work_order.claimed for the run, in the trace context {@code traceparent} (any text). */
    public UUID claimed(Run run, Map<String, Object> input, String traceparent) {
        return publish(TaskEvents.WORK_ORDER_CLAIMED, run.workOrderId(), change(run, "claimed", null, input, null,
                null, null, null, null), traceparent);
    }

    /** Publishes work_order.completed with an outcome. */
    public UUID completed(Run run, int exitCode, Map<String, Object> result, String stdout, String stderr,
                          Map<String, Object> metrics) {
        return publish(TaskEvents.WORK_ORDER_COMPLETED, run.workOrderId(), change(run, "completed", null, null,
                exitCode, result, stdout, stderr, metrics), TRACEPARENT);
    }

    /** Publishes work_order.failed or work_order.expired. */
    public UUID ended(Run run, String type, String error) {
        return publish(type, run.workOrderId(), change(run, "pending", error, null, null, null, null, null, null),
                TRACEPARENT);
    }

    public UUID taskCancelled(UUID taskId) {
        return publish(TaskEvents.TASK_CANCELLED, taskId,
                new TaskEvents.TaskStatusChanged(taskId, "in_progress", "cancelled", null), TRACEPARENT);
    }

    private static TaskEvents.WorkOrderChanged change(Run run, String status, String error, Map<String, Object> input,
                                                      Integer exitCode, Map<String, Object> result, String stdout,
                                                      String stderr, Map<String, Object> metrics) {
        return new TaskEvents.WorkOrderChanged(run.workOrderId(), run.taskId(), "feature", status, run.attempt(),
                run.workerId(), run.executionId(), Instant.now().plusSeconds(900), error, run.ownerId(), run.agentId(),
                run.workflowId(), input, exitCode, result, stdout, stderr, metrics);
    }

    /** Puts an event on task-service's stream; returns its id. */
    public UUID publish(String type, UUID subject, Object data, String traceparent) {
        EventEnvelope envelope = new EventEnvelope(Uuids.timeOrdered(), type, TaskEvents.SOURCE, subject.toString(),
                Instant.now(), 1, traceparent, EventJson.tree(data));
        return republish(envelope);
    }

    /** Puts this exact envelope on the stream (again: a redelivery). */
    public UUID republish(EventEnvelope envelope) {
        redis.stream(String.class).xadd(events.streamOf(TaskEvents.SOURCE), Map.of("envelope", EventJson.write(envelope)));
        return envelope.id();
    }

    /** Waits until execution-service has recorded the run's claim. */
    public void awaitRecorded(UUID executionId) {
        Eventually.await(Duration.ofSeconds(10), "execution " + executionId + " recorded",
                () -> count("select count(*) from execution.executions where id = '" + executionId + "'") == 1);
    }

    /** Waits until the execution has the given status. */
    public void awaitStatus(UUID executionId, String status) {
        Eventually.await(Duration.ofSeconds(10), "execution " + executionId + " " + status,
                () -> count("select count(*) from execution.executions where id = '" + executionId
                        + "' and status = '" + status + "'") == 1);
    }

    /** A run claimed and recorded, ready for its worker's writes. */
    public Run running(UUID ownerId, UUID workerId) {
        Run run = Run.of(ownerId, workerId);
        claimed(run, Map.of("goal", "test"));
        awaitRecorded(run.executionId());
        return run;
    }

    /** The events on task-service's stream about {@code subject}, in stream order. */
    public List<EventEnvelope> taskEvents(UUID subject) {
        return redis.stream(String.class).xrange(events.streamOf(TaskEvents.SOURCE), StreamRange.of("-", "+")).stream()
                .map(StreamMessage::payload).map(fields -> EventJson.read(fields.get("envelope")))
                .filter(envelope -> subject.toString().equals(envelope.subjectId())).toList();
    }

    /** execution-service's own events about one execution, in stream order. */
    public List<EventEnvelope> executionEvents(UUID executionId) {
        return redis.stream(String.class).xrange(events.streamOf("execution"), StreamRange.of("-", "+")).stream()
                .map(StreamMessage::payload).map(fields -> EventJson.read(fields.get("envelope")))
                .filter(envelope -> executionId.toString().equals(envelope.subjectId())).toList();
    }

    public long count(String sql) {
        try (var connection = database.getConnection(); var statement = connection.createStatement();
             var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void execute(String sql) {
        try (var connection = database.getConnection(); var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
