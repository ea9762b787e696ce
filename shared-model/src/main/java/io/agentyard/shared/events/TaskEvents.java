package io.agentyard.shared.events;

import java.time.Instant;
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

    /** A work order's lifecycle step; {@code workerId} and {@code executionId} once claimed. */
    public record WorkOrderChanged(UUID workOrderId, UUID taskId, String queue, String status, int attempt,
                                   UUID workerId, UUID executionId, Instant leaseExpiresAt, String error) {
    }
}
