package io.agentyard.task.task;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TaskRepository implements PanacheRepositoryBase<Task, UUID> {

    /** Subtasks of {@code parentId} that are not final yet. */
    public Uni<List<Task>> openChildren(UUID parentId) {
        return list("parentTaskId = ?1 and status not in ?2", parentId,
                List.of(TaskStatus.completed, TaskStatus.failed, TaskStatus.cancelled));
    }

    /** Pending tasks that {@code blockerId} blocks. */
    public Uni<List<Task>> pendingBlockedBy(UUID blockerId) {
        return list("status = ?1 and id in (select d.taskId from TaskDependency d where d.dependsOnTaskId = ?2"
                + " and d.type = ?3)", TaskStatus.pending, blockerId, TaskDependency.Type.blocks);
    }

    /** How many tasks blocking {@code taskId} are not completed yet. */
    public Uni<Long> unfinishedBlockersOf(UUID taskId) {
        return count("status <> ?1 and id in (select d.dependsOnTaskId from TaskDependency d where d.taskId = ?2"
                + " and d.type = ?3)", TaskStatus.completed, taskId, TaskDependency.Type.blocks);
    }
}
