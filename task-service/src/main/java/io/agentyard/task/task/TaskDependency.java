package io.agentyard.task.task;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code taskId} depends on {@code dependsOnTaskId}; a {@code blocks} edge holds it back until that completes. */
@Entity
@Table(name = "task_dependencies")
public class TaskDependency {

    @Schema(name = "DependencyType")
    public enum Type { blocks, related, duplicate }

    @Id
    public UUID id;

    @Column(name = "task_id")
    public UUID taskId;

    @Column(name = "depends_on_task_id")
    public UUID dependsOnTaskId;

    @Enumerated(EnumType.STRING)
    @Column(name = "dependency_type")
    public Type type;

    @Column(name = "created_at")
    public Instant createdAt;
}
