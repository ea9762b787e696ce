package io.agentyard.execution.step;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /api/executions/{id}/steps. */
public final class StepDtos {

    private StepDtos() {
    }

    /** The worker starts a step. */
    @Schema(name = "StepStart")
    public record Start(@NotBlank @Size(max = 200) String name, @NotNull ExecutionStep.Type type,
                        @Size(max = 200) Map<String, Object> input) {
    }

    /**
     * The worker finishes a step: {@code completed} (the default) or {@code failed}, with its output
     * or error.
     */
    @Schema(name = "StepFinish")
    public record Finish(ExecutionStep.Status status, @Size(max = 200) Map<String, Object> output,
                         @Size(max = 50_000) String error) {
    }

    public record StepResponse(UUID id, UUID executionId, int position, String name, ExecutionStep.Type type,
                               ExecutionStep.Status status, Map<String, Object> input, Map<String, Object> output,
                               String error, Instant startedAt, Instant completedAt, Long durationMs) {

        public static StepResponse from(ExecutionStep step) {
            return new StepResponse(step.id, step.executionId, step.position, step.name, step.type, step.status,
                    step.inputData, step.outputData, step.errorMessage, step.startedAt, step.completedAt,
                    step.completedAt == null ? null : step.completedAt.toEpochMilli() - step.startedAt.toEpochMilli());
        }
    }
}
