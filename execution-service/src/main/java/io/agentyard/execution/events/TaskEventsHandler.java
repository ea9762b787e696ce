package io.agentyard.execution.events;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.execution.execution.ExecutionRepository;
import io.agentyard.execution.execution.ExecutionService;
import io.agentyard.execution.execution.ExecutionStatus;
import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventHandler;
import io.agentyard.shared.events.TaskEvents;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;

/**
 * Keeps executions in step with dispatch: a claim starts one (one execution per attempt, its id
 * the claim's executionId), the attempt's outcome ends it, a cancelled task cancels its open runs.
 * Each event is applied once (the consumer records its id); events that arrive out of order still
 * leave one row with the start's and the end's facts. A run's trace id is the claim's trace, which
 * the consumer's span continues (a new one when the claim's traceparent was unusable).
 */
@ApplicationScoped
public class TaskEventsHandler implements EventHandler {

    @Override
    public String source() {
        return TaskEvents.SOURCE;
    }

    @Override
    public Set<String> types() {
        return Set.of(TaskEvents.WORK_ORDER_CLAIMED, TaskEvents.WORK_ORDER_COMPLETED, TaskEvents.WORK_ORDER_FAILED,
                TaskEvents.WORK_ORDER_EXPIRED, TaskEvents.TASK_CANCELLED);
    }

    private final ExecutionService executions;

    TaskEventsHandler(ExecutionService executions) {
        this.executions = executions;
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        if (TaskEvents.TASK_CANCELLED.equals(event.type())) {
            return executions.taskCancelled(event.data(TaskEvents.TaskStatusChanged.class).taskId(), event.occurredAt());
        }
        TaskEvents.WorkOrderChanged order = event.data(TaskEvents.WorkOrderChanged.class);
        if (order.executionId() == null) {
            return Uni.createFrom().voidItem(); // never claimed: no run to record
        }
        boolean claim = TaskEvents.WORK_ORDER_CLAIMED.equals(event.type());
        // an outcome that overtook its claim still records the run's identity first
        ExecutionRepository.Start start = new ExecutionRepository.Start(order.executionId(), order.taskId(),
                order.workOrderId(), order.attempt(), order.workerId(), order.ownerId(), order.agentId(),
                order.workflowId(), ExecutionStatus.running, order.input(),
                claim ? Span.current().getSpanContext().getTraceId() : null, claim ? event.occurredAt() : null);
        Uni<Void> started = executions.started(start);
        if (claim) {
            return started;
        }
        ExecutionRepository.End end = switch (event.type()) {
            case TaskEvents.WORK_ORDER_COMPLETED -> new ExecutionRepository.End(order.executionId(),
                    ExecutionStatus.completed, order.exitCode(), order.result(), null, order.stdoutTail(),
                    order.stderrTail(), order.metrics(), event.occurredAt());
            case TaskEvents.WORK_ORDER_EXPIRED -> new ExecutionRepository.End(order.executionId(),
                    ExecutionStatus.timeout, null, null, order.error(), null, null, null, event.occurredAt());
            default -> new ExecutionRepository.End(order.executionId(), ExecutionStatus.failed, null, null,
                    order.error(), null, null, null, event.occurredAt());
        };
        return started.chain(() -> executions.ended(end));
    }
}
