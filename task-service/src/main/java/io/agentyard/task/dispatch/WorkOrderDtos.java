package io.agentyard.task.dispatch;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.agentyard.shared.problem.Problem;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.task.question.TaskQuestion;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/** Request and response bodies of /api/work-orders. */
public final class WorkOrderDtos {

    private WorkOrderDtos() {
    }

    public static final int MAX_CLAIM = 50;
    public static final int MAX_WAIT_SECONDS = 30;
    /** stdout and stderr keep their last this many characters (the whole output belongs in execution logs). */
    public static final int MAX_OUTPUT = 64 * 1024;

    /** What a worker asks for: orders from these queues, at most {@code max}, waiting up to {@code waitSeconds}. */
    @Schema(name = "WorkOrderClaim")
    public record Claim(
            @NotEmpty @Size(max = 6) List<@NotBlank @Pattern(regexp = "^[a-z_]{1,50}$",
                    message = "must be a queue name") String> queues,
            @Min(1) @Max(MAX_CLAIM) Integer max,
            @Min(0) @Max(MAX_WAIT_SECONDS) Integer waitSeconds) {
    }

    /**
     * A successful run's outcome; {@code attempt} is the claimed order's (its fencing token). With
     * {@code next}, the worker's next claim rides on the same request: it runs once the completion
     * has committed, exactly as {@code POST /api/work-orders/claim} with that body would.
     */
    @Schema(name = "WorkOrderCompletion")
    public record Completion(@NotNull @Min(1) Integer attempt, Map<String, Object> result, Integer exitCode,
                             String stdout, String stderr, Map<String, Object> metrics, @Valid Claim next) {
    }

    /**
     * A completion's answer: the order (its fields, as {@link WorkOrderResponse} has them) and, when
     * the completion asked for its {@code next} claim, the orders that claim got ([] when none came
     * within its wait, or when the worker may not claim now: its own claim says why).
     */
    @Schema(name = "WorkOrderCompleted")
    public record Completed(@JsonUnwrapped WorkOrderResponse order,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<ClaimedOrder> next) {
    }

    /** Completions one request may carry. */
    public static final int MAX_COMPLETIONS = 100;

    /**
     * Several successful runs reported at once (a worker that claimed a batch): each as a lone
     * completion; {@code next} as {@link Completion}'s, run once all of them are settled.
     */
    @Schema(name = "WorkOrderCompletions")
    public record Completions(
            @NotNull @Size(min = 1, max = MAX_COMPLETIONS) List<@NotNull @Valid CompletionItem> completions,
            @Valid Claim next) {
    }

    /** One run of {@link Completions}: the order's id, then what {@link Completion} carries. */
    @Schema(name = "WorkOrderCompletionItem")
    public record CompletionItem(@NotNull UUID id, @NotNull @Min(1) Integer attempt, Map<String, Object> result,
                                 Integer exitCode, String stdout, String stderr, Map<String, Object> metrics) {

        Completion completion() {
            return new Completion(attempt, result, exitCode, stdout, stderr, metrics, null);
        }
    }

    /**
     * What became of each completion of {@link Completions}, in the request's order: {@code status}
     * is what {@code POST /api/work-orders/{id}/complete} would have answered, with the order (200)
     * or the problem (404, 403, 409); and, when asked, what the {@code next} claim got (as {@link Completed}'s).
     */
    @Schema(name = "WorkOrderCompletionOutcomes")
    public record CompletionOutcomes(List<CompletionOutcome> results,
                                     @JsonInclude(JsonInclude.Include.NON_NULL) List<ClaimedOrder> next) {
    }

    @Schema(name = "WorkOrderCompletionOutcome")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CompletionOutcome(UUID id, int status, WorkOrderResponse order, Problem problem) {

        static CompletionOutcome completed(WorkOrderResponse order) {
            return new CompletionOutcome(order.id(), 200, order, null);
        }

        static CompletionOutcome refused(UUID id, ProblemException refusal) {
            return new CompletionOutcome(id, refusal.status(), null, refusal.problem("/api/work-orders/" + id + "/complete"));
        }
    }

    /** A failed run; {@code retryable: false} fails the order for good at once. */
    @Schema(name = "WorkOrderFailure")
    public record Failure(@NotNull @Min(1) Integer attempt, @NotBlank @Size(max = 10_000) String error,
                          Boolean retryable) {
    }

    /** A heartbeat names the attempt it keeps alive. */
    @Schema(name = "WorkOrderHeartbeatRequest")
    public record HeartbeatRequest(@NotNull @Min(1) Integer attempt) {
    }

    /** A claimed order as its worker sees it. */
    public record ClaimedOrder(UUID id, UUID taskId, String queue, int priority, Map<String, Object> payload,
                               UUID executionId, int attempt, Instant leaseExpiresAt) {

        /** From a {@code task.work_orders} row of the claim statement. */
        static ClaimedOrder from(Row row) {
            return new ClaimedOrder(row.getUUID("id"), row.getUUID("task_id"), row.getString("queue_name"),
                    row.getShort("priority"), map(row, "payload"), row.getUUID("execution_id"),
                    row.getInteger("attempt"), instant(row, "expires_at"));
        }
    }

    public record WorkOrderResponse(UUID id, UUID taskId, String queue, WorkOrder.Status status, int priority,
                                    Map<String, Object> payload, Map<String, Object> result, String error,
                                    Integer exitCode, Map<String, Object> metrics, int attempt, int retryCount,
                                    int maxRetries, Integer timeoutSeconds, Instant enqueuedAt, Instant availableAt,
                                    Instant claimedAt, Instant completedAt, Instant expiresAt, Instant deadlineAt,
                                    UUID claimedBy, UUID executionId) {

        static WorkOrderResponse from(WorkOrder order) {
            return new WorkOrderResponse(order.id, order.taskId, order.queue, order.status, order.priority,
                    order.payload, order.result, order.errorMessage, order.exitCode, order.metrics, order.attempt,
                    order.retryCount, order.maxRetries, order.timeoutSeconds, order.enqueuedAt, order.availableAt,
                    order.claimedAt, order.completedAt, order.expiresAt, order.deadlineAt, order.claimedBy,
                    order.executionId);
        }

        /** From a {@code task.work_orders} row read by the SQL hot path. */
        static WorkOrderResponse from(Row row) {
            return new WorkOrderResponse(row.getUUID("id"), row.getUUID("task_id"), row.getString("queue_name"),
                    WorkOrder.Status.valueOf(row.getString("status")), row.getShort("priority"), map(row, "payload"),
                    map(row, "result"), row.getString("error_message"), row.getInteger("exit_code"),
                    map(row, "metrics"), row.getInteger("attempt"), row.getInteger("retry_count"),
                    row.getInteger("max_retries"), row.getInteger("timeout_seconds"), instant(row, "enqueued_at"),
                    instant(row, "available_at"), instant(row, "claimed_at"), instant(row, "completed_at"),
                    instant(row, "expires_at"), instant(row, "deadline_at"), row.getUUID("claimed_by"),
                    row.getUUID("execution_id"));
        }
    }

    /**
     * A heartbeat's answer: the order (its fields, as {@link WorkOrderResponse} has them), whether
     * its task was cancelled ({@code cancelled}: the worker stops the run; its later calls get 409),
     * whether its task waits for an answer to a question the worker asked ({@code awaitingAnswer}; the lease
     * is paused meanwhile), and the answers people gave to the questions of this attempt, oldest
     * first. Every heartbeat of the attempt repeats them: a worker tells new ones by questionId.
     */
    @Schema(name = "WorkOrderHeartbeat")
    public record Heartbeat(@JsonUnwrapped WorkOrderResponse order, boolean cancelled, boolean awaitingAnswer,
                            List<Answer> answers) {
    }

    /** An answer to a worker's question: ids of the question's and the answer's chat messages. */
    @Schema(name = "QuestionAnswer")
    public record Answer(UUID questionId, UUID conversationId, UUID messageId, String answer, UUID answeredBy,
                         Instant answeredAt) {

        static Answer from(TaskQuestion question) {
            return new Answer(question.id, question.conversationId, question.answerMessageId, question.answer,
                    question.answeredBy, question.answeredAt);
        }
    }

    /**
     * Who holds (or held) an execution: the attempt of a work order it was issued for. {@code status}
     * is that attempt's: active, completed, failed or timeout.
     */
    public record ExecutionHolder(UUID executionId, UUID workOrderId, UUID taskId, UUID workerId, int attempt,
                                  WorkerAssignment.Status status, UUID ownerId, UUID agentId, UUID workflowId,
                                  Map<String, Object> input, Instant claimedAt) {

        static ExecutionHolder from(Row row) {
            return new ExecutionHolder(row.getUUID("execution_id"), row.getUUID("work_order_id"),
                    row.getUUID("task_id"), row.getUUID("worker_id"), row.getInteger("attempt"),
                    WorkerAssignment.Status.valueOf(row.getString("status")), row.getUUID("created_by"),
                    row.getUUID("agent_id"), row.getUUID("workflow_id"), map(row, "input"),
                    instant(row, "assigned_at"));
        }
    }

    private static Map<String, Object> map(Row row, String column) {
        JsonObject json = row.getJsonObject(column);
        return json == null ? null : json.getMap();
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime at = row.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }
}
