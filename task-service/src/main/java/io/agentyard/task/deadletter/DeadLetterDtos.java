package io.agentyard.task.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.agentyard.shared.problem.ProblemException;
import io.agentyard.task.dispatch.WorkOrder;
import io.agentyard.task.dispatch.WorkerAssignment;

/** Request and response bodies of /api/dead-letters. */
public final class DeadLetterDtos {

    private DeadLetterDtos() {
    }

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
    /** A bulk redrive or purge acts on at most this many orders; a filter takes {@link #DEFAULT_BULK} unless told. */
    public static final int MAX_BULK = 1000;
    public static final int DEFAULT_BULK = 100;
    static final String QUEUE_PATTERN = "^[a-z_]{1,50}$";
    static final String QUEUE_RULE = "must be a queue name";
    static final int MAX_ERROR_FILTER = 500;

    /** A dead order in a list: {@code attemptsMade} counts its claims, {@code deadSince} when it died. */
    public record DeadLetterSummary(UUID id, UUID taskId, String queue, WorkOrder.Status status, int attemptsMade,
                                    int retryCount, String error, Instant deadSince) {

        static DeadLetterSummary from(WorkOrder order) {
            return new DeadLetterSummary(order.id, order.taskId, order.queue, order.status, order.attempt,
                    order.retryCount, order.errorMessage, order.completedAt);
        }
    }

    /** A dead order inspected: the order, and each of its attempts, first to last. */
    public record DeadLetterDetail(UUID id, UUID taskId, UUID ownerId, String queue, WorkOrder.Status status,
                                   int priority, Map<String, Object> payload, String error, int retryCount,
                                   int maxRetries, int attemptsMade, Instant enqueuedAt, Instant deadSince,
                                   List<Attempt> attempts) {

        static DeadLetterDetail from(WorkOrder order, UUID ownerId, List<WorkerAssignment> attempts) {
            return new DeadLetterDetail(order.id, order.taskId, ownerId, order.queue, order.status, order.priority,
                    order.payload, order.errorMessage, order.retryCount, order.maxRetries, order.attempt,
                    order.enqueuedAt, order.completedAt, attempts.stream().map(Attempt::from).toList());
        }
    }

    /** One attempt (a worker assignment): its number, worker, execution, how it ended and why. */
    @Schema(name = "DeadLetterAttempt")
    public record Attempt(int attempt, UUID workerId, UUID executionId, WorkerAssignment.Status status,
                          Instant assignedAt, Instant endedAt, String error) {

        static Attempt from(WorkerAssignment assignment) {
            return new Attempt(assignment.attempt, assignment.workerId, assignment.executionId, assignment.status,
                    assignment.assignedAt, assignment.completedAt, assignment.error);
        }
    }

    /**
     * Which dead orders a bulk redrive or purge acts on: {@code ids}, or a filter ({@code queue},
     * {@code error} contained in the last error, dead before {@code deadBefore}; the newest
     * {@code limit} of those that match). Exactly one of the two.
     */
    @Schema(name = "DeadLetterSelection")
    public record Selection(
            @Size(min = 1, max = MAX_BULK) List<@NotNull UUID> ids,
            @Pattern(regexp = QUEUE_PATTERN, message = QUEUE_RULE) String queue,
            @Size(min = 1, max = MAX_ERROR_FILTER) String error,
            Instant deadBefore,
            @Min(1) @Max(MAX_BULK) Integer limit) {

        boolean byIds() {
            return ids != null;
        }

        /** 400 unless the body gives ids or a filter, not both, not neither. */
        void requireOneKind() {
            boolean filter = queue != null || error != null || deadBefore != null;
            if (byIds() && (filter || limit != null)) {
                throw ProblemException.invalidField("ids", "give either ids or a filter (queue, error, deadBefore, limit), not both");
            }
            if (!byIds() && !filter) {
                throw ProblemException.invalidField("ids", "give ids, or a filter with at least one of queue, error, deadBefore");
            }
        }

        DeadLetterService.Filter filter() {
            return new DeadLetterService.Filter(queue, error, null, deadBefore);
        }

        int limitOrDefault() {
            return limit == null ? DEFAULT_BULK : limit;
        }
    }

    /** An order a bulk call left alone, and why: {@code not found} (or not the caller's), or not dead. */
    @Schema(name = "DeadLetterSkipped")
    public record Skipped(UUID id, String reason) {
    }

    /** What a redrive or purge did: how many orders and which (in the order acted on), and which it skipped. */
    @Schema(name = "DeadLetterActionResult")
    public record ActionResult(DeadLetterAction.Action action, int count, List<UUID> ids, List<Skipped> skipped) {
    }

    /** The record of a redrive or purge. */
    @Schema(name = "DeadLetterActionResponse")
    public record ActionResponse(UUID id, DeadLetterAction.Action action, UUID workOrderId, UUID taskId,
                                 String queue, UUID actorId, Instant actedAt, Map<String, Object> detail) {

        static ActionResponse from(DeadLetterAction action) {
            return new ActionResponse(action.id, action.action, action.workOrderId, action.taskId, action.queue,
                    action.actorId, action.actedAt, action.detail);
        }
    }
}
