package io.agentyard.task.project;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /api/projects. */
public final class ProjectDtos {

    private ProjectDtos() {
    }

    static final String NAME_PATTERN = "^\\S(.*\\S)?$";
    static final String NAME_RULE = "must not start or end with spaces";
    static final String URL_PATTERN = "^(https?|ssh|git|file)://\\S+$|^git@\\S+:\\S+$";
    static final String URL_RULE = "must be a repository URL (https://, ssh://, git://, file:// or git@host:path)";

    @Schema(name = "ProjectCreate")
    public record Create(
            @NotBlank @Size(max = 100) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            @Size(max = 10_000) String description,
            @Size(max = 500) @Pattern(regexp = URL_PATTERN, message = URL_RULE) String repositoryUrl,
            @Size(max = 1000) String localPath,
            @Size(max = 100) String framework,
            @Size(max = 50) String language,
            @Size(max = 100) List<UUID> agents) {
    }

    /** PATCH: fields left out stay. {@code status} moves between active and archived. */
    @Schema(name = "ProjectUpdate")
    public record Update(
            @Size(min = 1, max = 100) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            @Size(max = 10_000) String description,
            @Size(max = 500) @Pattern(regexp = URL_PATTERN, message = URL_RULE) String repositoryUrl,
            @Size(max = 1000) String localPath,
            @Size(max = 100) String framework,
            @Size(max = 50) String language,
            Project.Status status,
            @Size(max = 100) List<UUID> agents) {
    }

    public record ProjectResponse(UUID id, UUID ownerId, String name, String description, String repositoryUrl,
                                  String localPath, String framework, String language, Project.Status status,
                                  List<UUID> agents, Instant createdAt, Instant updatedAt) {

        static ProjectResponse from(Project project) {
            return new ProjectResponse(project.id, project.ownerId, project.name, project.description,
                    project.repositoryUrl, project.localPath, project.framework, project.language, project.status,
                    List.of(project.agents), project.createdAt, project.updatedAt);
        }
    }
}
