package io.agentyard.agent.tool;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /api/tools. */
public final class ToolDtos {

    private ToolDtos() {
    }

    static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$";
    static final String NAME_RULE = "must be letters, digits, '.', '_' or '-'";

    @Schema(name = "ToolCreate")
    public record Create(
            @NotBlank @Size(max = 100) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            @Size(max = 10_000) String description,
            @NotNull Tool.Type toolType,
            @Size(max = 100, message = "may hold at most 100 settings") Map<String, Object> configuration,
            Boolean active) {
    }

    @Schema(name = "ToolUpdate")
    public record Update(
            @Size(min = 1, max = 100) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            @Size(max = 10_000) String description,
            Tool.Type toolType,
            @Size(max = 100, message = "may hold at most 100 settings") Map<String, Object> configuration,
            Boolean active) {
    }

    public record ToolResponse(UUID id, String name, String description, Tool.Type toolType,
                               Map<String, Object> configuration, boolean active, Instant createdAt,
                               Instant updatedAt) {

        static ToolResponse from(Tool tool) {
            return new ToolResponse(tool.id, tool.name, tool.description, tool.toolType, tool.configuration,
                    tool.active, tool.createdAt, tool.updatedAt);
        }
    }
}
