package io.agentyard.agent.agent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /api/agents. */
public final class AgentDtos {

    private AgentDtos() {
    }

    static final String NAME_PATTERN = "^\\S(.*\\S)?$";
    static final String NAME_RULE = "must not start or end with spaces";

    @Schema(name = "AgentCreate")
    public record Create(
            @NotBlank @Size(max = 100) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            @Size(max = 10_000) String description,
            @NotNull AgentEnums.Category category,
            @NotNull AgentEnums.Type agentType,
            AgentEnums.Status status,
            @Valid AgentConfiguration configuration,
            @Size(max = 50) List<@NotBlank @Size(max = 100) String> capabilities,
            Boolean active) {
    }

    /** PATCH: fields left out (null) stay as they are. */
    @Schema(name = "AgentUpdate")
    public record Update(
            @Size(min = 1, max = 100) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            @Size(max = 10_000) String description,
            AgentEnums.Category category,
            AgentEnums.Type agentType,
            AgentEnums.Status status,
            @Valid AgentConfiguration configuration,
            @Size(max = 50) List<@NotBlank @Size(max = 100) String> capabilities,
            Boolean active) {
    }

    /**
     * A task filed for the agent ({@code POST /api/agents/{id}/tasks}): task-service's task fields a
     * person files, which task-service validates. The agent is the one in the path.
     */
    @Schema(name = "AgentTaskRequest")
    public record NewTask(String title, String description, String taskType, String permissionLevel, String priority,
                          String repositoryUrl, String branchName, Map<String, Object> context,
                          Map<String, Object> metadata, UUID projectId, UUID workflowId, Map<String, Object> input) {
    }

    public record AgentResponse(UUID id, UUID ownerId, String name, String description, AgentEnums.Category category,
                                AgentEnums.Type agentType, AgentEnums.Status status,
                                Map<String, Object> configuration, List<String> capabilities, boolean active,
                                Instant createdAt, Instant updatedAt) {

        static AgentResponse from(Agent agent) {
            return new AgentResponse(agent.id, agent.ownerId, agent.name, agent.description, agent.category,
                    agent.agentType, agent.status, agent.configuration, List.of(agent.capabilities), agent.active,
                    agent.createdAt, agent.updatedAt);
        }
    }
}
