package io.agentyard.task.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request and response bodies of /api/work-orders. */
public final class WorkOrderDtos {

    private WorkOrderDtos() {
    }

    public static final int MAX_CLAIM = 50;
    public static final int MAX_WAIT_SECONDS = 30;
    /** stdout and stderr are kept up to this many characters (the rest belongs in execution logs). */
    public static final int MAX_OUTPUT = 64 * 1024;

    /** What a worker asks for: orders from these queues, at most {@code max}, waiting up to {@code waitSeconds}. */
    public record Claim(
            @NotEmpty @Size(max = 6) List<@NotBlank @Pattern(regexp = "^[a-z_]{1,50}$",
                    message = "must be a queue name") String> queues,
            @Min(1) @Max(MAX_CLAIM) Integer max,
            @Min(0) @Max(MAX_WAIT_SECONDS) Integer waitSeconds) {
    }

    public record Completion(Map<String, Object> result, Integer exitCode, String stdout, String stderr,
                             Map<String, Object> metrics) {
    }

    /** {@code retryable: false} fails the order for good at once. */
    public record Failure(@NotBlank @Size(max = 10_000) String error, Boolean retryable) {
    }

    /** A claimed order as its worker sees it. */
    public record ClaimedOrder(UUID id, UUID taskId, String queue, int priority, Map<String, Object> payload,
                               UUID executionId, int attempt, Instant leaseExpiresAt) {

        static ClaimedOrder from(WorkOrder order) {
            return new ClaimedOrder(order.id, order.taskId, order.queue, order.priority, order.payload,
                    order.executionId, order.attempt(), order.expiresAt);
        }
    }

    public record WorkOrderResponse(UUID id, UUID taskId, String queue, WorkOrder.Status status, int priority,
                                    Map<String, Object> payload, Map<String, Object> result, String error,
                                    Integer exitCode, Map<String, Object> metrics, int retryCount, int maxRetries,
                                    int timeoutSeconds, Instant enqueuedAt, Instant availableAt, Instant claimedAt,
                                    Instant completedAt, Instant expiresAt, UUID claimedBy, UUID executionId) {

        static WorkOrderResponse from(WorkOrder order) {
            return new WorkOrderResponse(order.id, order.taskId, order.queue, order.status, order.priority,
                    order.payload, order.result, order.errorMessage, order.exitCode, order.metrics, order.retryCount,
                    order.maxRetries, order.timeoutSeconds, order.enqueuedAt, order.availableAt, order.claimedAt,
                    order.completedAt, order.expiresAt, order.claimedBy, order.executionId);
        }
    }
}
