package io.agentyard.task.task;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /api/tasks. */
public final class TaskDtos {

    private TaskDtos() {
    }

    static final String URL_PATTERN = "^(https?|ssh|git|file)://\\S+$|^git@\\S+:\\S+$";
    static final String URL_RULE = "must be a repository URL (https://, ssh://, git://, file:// or git@host:path)";
    static final String BRANCH_PATTERN = "^[^\\s~^:?*\\[\\\\]+$";
    static final String BRANCH_RULE = "must be a valid git branch name";

    @Schema(name = "TaskDependsOn")
    public record DependsOn(@NotNull UUID taskId, TaskDependency.Type type) {
    }

    @Schema(name = "TaskCreate")
    public record Create(
            @NotBlank @Size(max = 255) String title,
            @Size(max = 50_000) String description,
            @NotNull Task.Type taskType,
            @NotNull Task.Permission permissionLevel,
            Task.Priority priority,
            @Size(max = 500) @Pattern(regexp = URL_PATTERN, message = URL_RULE) String repositoryUrl,
            @Size(max = 255) @Pattern(regexp = BRANCH_PATTERN, message = BRANCH_RULE) String branchName,
            @Min(1) Integer issueNumber,
            @Min(1) Integer prNumber,
            @Size(max = 100) Map<String, Object> context,
            @Size(max = 100) Map<String, Object> metadata,
            UUID parentTaskId,
            UUID projectId,
            @Size(max = 50) List<@Valid @NotNull DependsOn> dependsOn,
            UUID agentId,
            UUID workflowId,
            @Size(max = 100) Map<String, Object> input,
            /* how long one attempt may run; else the worker's timeout, else task-service's default */
            @Min(1) @Max(Task.MAX_TIMEOUT_SECONDS) Integer timeoutSeconds) {
    }

    /** PATCH: fields left out stay. Status moves only through the action endpoints. */
    @Schema(name = "TaskUpdate")
    public record Update(
            @Size(min = 1, max = 255) String title,
            @Size(max = 50_000) String description,
            Task.Priority priority,
            @Size(max = 500) @Pattern(regexp = URL_PATTERN, message = URL_RULE) String repositoryUrl,
            @Size(max = 255) @Pattern(regexp = BRANCH_PATTERN, message = BRANCH_RULE) String branchName,
            @Min(1) Integer issueNumber,
            @Min(1) Integer prNumber,
            @Size(max = 100) Map<String, Object> context,
            @Size(max = 100) Map<String, Object> metadata) {
    }

    @Schema(name = "TaskReview")
    public record Review(@Size(max = 10_000) String comment) {
    }

    @Schema(name = "TaskRejection")
    public record Rejection(@NotBlank @Size(max = 10_000) String comment) {
    }

    @Schema(name = "TaskNewDependency")
    public record NewDependency(@NotNull UUID dependsOn, TaskDependency.Type type) {
    }

    @Schema(name = "TaskDependencyResponse")
    public record DependencyResponse(UUID taskId, UUID dependsOn, TaskDependency.Type type, Instant createdAt) {

        static DependencyResponse from(TaskDependency dependency) {
            return new DependencyResponse(dependency.taskId, dependency.dependsOnTaskId, dependency.type,
                    dependency.createdAt);
        }
    }

    /** {@code blockedReason}: why a {@code blocked} task waits, {@code review} or {@code question}; null otherwise. */
    public record TaskResponse(UUID id, String title, String description, Task.Type taskType,
                               Task.Permission permissionLevel, Task.Priority priority, TaskStatus status,
                               Task.BlockedReason blockedReason, String repositoryUrl, String branchName, Integer issueNumber, Integer prNumber,
                               Map<String, Object> context, Map<String, Object> metadata, UUID createdBy,
                               UUID assignedTo, UUID parentTaskId, UUID projectId, UUID agentId,
                               UUID workflowId, Map<String, Object> input, Integer timeoutSeconds, UUID approvedBy,
                               Instant approvedAt, String reviewComment, Instant createdAt, Instant updatedAt,
                               Instant startedAt, Instant completedAt) {

        public static TaskResponse from(Task task) {
            return new TaskResponse(task.id, task.title, task.description, task.taskType, task.permissionLevel,
                    task.priority, task.status, task.blockedReason, task.repositoryUrl, task.branchName, task.issueNumber, task.prNumber,
                    task.context, task.metadata, task.createdBy, task.assignedTo, task.parentTaskId, task.projectId,
                    task.agentId, task.workflowId, task.input, task.timeoutSeconds, task.approvedBy, task.approvedAt, task.reviewComment, task.createdAt, task.updatedAt,
                    task.startedAt, task.completedAt);
        }
    }
}
