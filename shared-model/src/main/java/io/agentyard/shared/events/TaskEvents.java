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
    /** The order's task was cancelled: it will not run (again); a running attempt's worker is told to stop. */
    public static final String WORK_ORDER_CANCELLED = "work_order.cancelled";

    /** A person put a dead-lettered order back on its queue: pending, retries from zero, attempt kept. */
    public static final String WORK_ORDER_REDRIVEN = "work_order.redriven";
    /** A person deleted a dead-lettered order (its attempts with it); its task stays failed. */
    public static final String WORK_ORDER_PURGED = "work_order.purged";

    /** {@link WorkOrderChanged#stdoutTail()} and {@code stderrTail} hold at most this many characters. */
    public static final int OUTPUT_TAIL = 4096;

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

    /**
     * A work order's lifecycle step. On every {@code work_order.*} event: the order, its task and
     * queue, the order's status, the attempt (1 for the first), the task's owner ({@code ownerId},
     * the task's {@code created_by}) and the agent and workflow it was filed for (null when none);
     * {@code workerId}, {@code executionId} and {@code leaseExpiresAt} once claimed; {@code error}
     * on failures. {@code input} (the task's input JSON) is set on {@code work_order.claimed} only;
     * {@code exitCode}, {@code result}, {@code stdoutTail} / {@code stderrTail} (the last
     * {@link #OUTPUT_TAIL} characters of the reported output) and {@code metrics} on
     * {@code work_order.completed} only; null elsewhere.
     */
    public record WorkOrderChanged(UUID workOrderId, UUID taskId, String queue, String status, int attempt,
                                   UUID workerId, UUID executionId, Instant leaseExpiresAt, String error,
                                   UUID ownerId, UUID agentId, UUID workflowId, Map<String, Object> input,
                                   Integer exitCode, Map<String, Object> result, String stdoutTail,
                                   String stderrTail, Map<String, Object> metrics) {
    }

    /**
     * The last {@link #OUTPUT_TAIL} characters (code points, as PostgreSQL's {@code right()} counts
     * them) of {@code output}; null stays null.
     */
    public static String tail(String output) {
        if (output == null) {
            return null;
        }
        int length = output.codePointCount(0, output.length());
        return length <= OUTPUT_TAIL ? output : output.substring(output.offsetByCodePoints(0, length - OUTPUT_TAIL));
    }
}
