package io.agentyard.agent.workflow;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /api/workflows. */
public final class WorkflowDtos {

    private WorkflowDtos() {
    }

    static final String NAME_PATTERN = "^\\S(.*\\S)?$";
    static final String NAME_RULE = "must not start or end with spaces";

    @Schema(name = "WorkflowCreate")
    public record Create(
            @NotBlank @Size(max = 100) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            @Size(max = 10_000) String description,
            @NotNull @Valid WorkflowDefinition definition,
            Boolean active) {
    }

    /** PATCH: fields left out stay; a new {@code definition} becomes a new version. */
    @Schema(name = "WorkflowUpdate")
    public record Update(
            @Size(min = 1, max = 100) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            @Size(max = 10_000) String description,
            @Valid WorkflowDefinition definition,
            Boolean active) {
    }

    public record WorkflowResponse(UUID id, UUID ownerId, String name, String description, boolean active,
                                   int version, Map<String, Object> definition, Instant createdAt,
                                   Instant updatedAt) {

        static WorkflowResponse from(Workflow workflow, WorkflowVersion current) {
            return new WorkflowResponse(workflow.id, workflow.ownerId, workflow.name, workflow.description,
                    workflow.active, workflow.currentVersion, current.definition, workflow.createdAt,
                    workflow.updatedAt);
        }
    }

    @Schema(name = "WorkflowVersionResponse")
    public record VersionResponse(UUID workflowId, int version, Map<String, Object> definition, UUID createdBy,
                                  Instant createdAt) {

        static VersionResponse from(WorkflowVersion version) {
            return new VersionResponse(version.workflowId, version.version, version.definition, version.createdBy,
                    version.createdAt);
        }
    }
}
