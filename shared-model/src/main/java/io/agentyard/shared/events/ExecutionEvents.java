package io.agentyard.shared.events;

import java.time.Instant;
import java.util.UUID;

/** Events of execution-service, on stream {@code agentyard.execution.events}. */
public final class ExecutionEvents {

    public static final String SOURCE = "execution";

    public static final String EXECUTION_STARTED = "execution.started";
    public static final String EXECUTION_FINISHED = "execution.finished";

    private ExecutionEvents() {
    }

    /** A run of a work order began (recorded once per execution). */
    public record ExecutionStarted(UUID executionId, UUID taskId, UUID workOrderId, int attempt, UUID workerId,
                                   UUID agentId, UUID workflowId, Instant startedAt) {
    }

    /** A run ended: {@code status} is completed, failed, timeout or cancelled. */
    public record ExecutionFinished(UUID executionId, UUID taskId, String status, Integer exitCode, Long durationMs,
                                    String error) {
    }
}
