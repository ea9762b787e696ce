package io.agentyard.execution.execution;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /api/executions. */
public final class ExecutionDtos {

    private ExecutionDtos() {
    }

    /**
     * An execution as the API shows it. {@code durationMs} is stored; {@code durationSeconds} is
     * derived from it, for readers of the notes that counted seconds.
     */
    public record ExecutionResponse(UUID id, UUID taskId, UUID workOrderId, int attempt, UUID workerId, UUID ownerId,
                                    UUID agentId, UUID workflowId, ExecutionStatus status, Integer exitCode,
                                    Map<String, Object> inputData, Map<String, Object> outputData,
                                    String errorMessage, String stdoutTail, String stderrTail,
                                    Map<String, Object> metrics, Map<String, Object> metadata, String traceId,
                                    Instant createdAt, Instant startedAt, Instant completedAt, Long durationMs,
                                    Double durationSeconds, long logCount, int stepCount) {

        public static ExecutionResponse from(Execution e) {
            return new ExecutionResponse(e.id, e.taskId, e.workOrderId, e.attempt, e.workerId, e.ownerId, e.agentId,
                    e.workflowId, e.status, e.exitCode, e.inputData, e.outputData, e.errorMessage, e.stdoutTail,
                    e.stderrTail, e.metrics, e.metadata, e.traceId, e.createdAt, e.startedAt, e.completedAt,
                    e.durationMs, e.durationMs == null ? null : e.durationMs / 1000.0, e.logCount, e.stepCount);
        }
    }

    /** PATCH by the worker holding the run: keys are merged into its metadata. */
    @Schema(name = "ExecutionMetadataUpdate")
    public record MetadataUpdate(@NotNull @Size(max = 100) Map<String, Object> metadata) {
    }

    /** The AgentDB9 notes' live feed: what a worker's agent is doing right now. */
    @Schema(name = "ExecutionActivityKind")
    public enum ActivityKind { tool_execution, file_change, agent_activity }

    @Schema(name = "ExecutionActivity")
    public record Activity(@NotNull ActivityKind kind, @NotNull @Size(max = 200) Map<String, Object> data) {
    }

    /** What followers receive for an activity. */
    public record ActivityMessage(ActivityKind kind, Map<String, Object> data, UUID workerId, Instant at) {
    }

    /** What followers receive when an execution's status changes. */
    public record StatusMessage(ExecutionStatus status, Integer exitCode, Long durationMs, String errorMessage) {
    }
}
