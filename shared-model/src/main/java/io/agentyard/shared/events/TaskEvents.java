package io.agentyard.shared.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Events of task-service, on stream {@code agentyard.task.events}. */
public final class TaskEvents {

    public static final String SOURCE = "task";

    public static final String TASK_CREATED = "task.created";
    public static final String TASK_STATUS_CHANGED = "task.status_changed";
    public static final String TASK_DISPATCHED = "task.dispatched";
    public static final String TASK_COMPLETED = "task.completed";
    public static final String TASK_FAILED = "task.failed";
    public static final String TASK_CANCELLED = "task.cancelled";

    public static final String WORK_ORDER_ENQUEUED = "work_order.enqueued";
    public static final String WORK_ORDER_CLAIMED = "work_order.claimed";
    public static final String WORK_ORDER_COMPLETED = "work_order.completed";
    public static final String WORK_ORDER_FAILED = "work_order.failed";
    public static final String WORK_ORDER_EXPIRED = "work_order.expired";
    public static final String WORK_ORDER_DEAD_LETTERED = "work_order.dead_lettered";

    private TaskEvents() {
    }

    public record TaskCreated(UUID taskId, UUID createdBy, UUID projectId, UUID parentTaskId, String taskType,
                              String permissionLevel, String priority, String title) {
    }

    public record TaskStatusChanged(UUID taskId, String previousStatus, String status, UUID assignedTo) {
    }

    /** A work order was put on the queue for the task. */
    public record TaskDispatched(UUID taskId, UUID workOrderId, String queue) {
    }

    /** How much of a run's stdout and stderr (the last characters) a work_order.completed event carries. */
    public static final int OUTPUT_TAIL = 4096;

    /**
     * A work order's lifecycle step; {@code workerId} and {@code executionId} once claimed.
     * {@code ownerId} (the task's creator), {@code agentId} and {@code workflowId} are on every step;
     * {@code input} on work_order.claimed; {@code exitCode}, {@code result}, the output tails and
     * {@code metrics} on work_order.completed.
     */
    public record WorkOrderChanged(UUID workOrderId, UUID taskId, String queue, String status, int attempt,
                                   UUID workerId, UUID executionId, Instant leaseExpiresAt, String error,
                                   UUID ownerId, UUID agentId, UUID workflowId, Map<String, Object> input,
                                   Integer exitCode, Map<String, Object> result, String stdoutTail,
                                   String stderrTail, Map<String, Object> metrics) {

        /** The step of an order without the task's facts or an outcome (producers not updated yet). */
        public WorkOrderChanged(UUID workOrderId, UUID taskId, String queue, String status, int attempt,
                                UUID workerId, UUID executionId, Instant leaseExpiresAt, String error) {
            this(workOrderId, taskId, queue, status, attempt, workerId, executionId, leaseExpiresAt, error,
                    null, null, null, null, null, null, null, null, null);
        }
    }
}
