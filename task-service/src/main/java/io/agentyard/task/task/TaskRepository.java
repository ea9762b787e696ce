package io.agentyard.task.task;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TaskRepository implements PanacheRepositoryBase<Task, UUID> {

    /** Subtasks of {@code parentId} that are not final yet. */
    public Uni<List<Task>> openChildren(UUID parentId) {
        return list("parentTaskId = ?1 and status not in ?2", parentId,
                List.of(TaskStatus.completed, TaskStatus.failed, TaskStatus.cancelled));
    }

    /**
     * Pending tasks that {@code blockerId} blocks, locked: when two of their blockers complete at
     * once, the second dispatcher waits and then finds the task no longer pending.
     */
    public Uni<List<Task>> pendingBlockedBy(UUID blockerId) {
        return find("status = ?1 and id in (select d.taskId from TaskDependency d where d.dependsOnTaskId = ?2"
                + " and d.type = ?3)", TaskStatus.pending, blockerId, TaskDependency.Type.blocks)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /**
     * Pending tasks that should have been dispatched: no approval awaited and every blocker
     * completed. Locked, skipping rows others hold.
     */
    public Uni<List<Task>> lockStranded(int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        select t.* from {h-schema}tasks t
                        where t.status = 'pending' and (t.permission_level <> 'human_required' or t.approved_at is not null)
                          and not exists (select 1 from {h-schema}task_dependencies d
                                          join {h-schema}tasks b on b.id = d.depends_on_task_id
                                          where d.task_id = t.id and d.dependency_type = 'blocks'
                                            and b.status <> 'completed')
                        order by t.created_at limit ?1
                        for update of t skip locked""", Task.class)
                .setParameter(1, limit).getResultList());
    }

    /** The tasks {@code ids}, locked. */
    public Uni<List<Task>> lockAll(List<UUID> ids) {
        return find("id in ?1", ids).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /** How many tasks blocking {@code taskId} are not completed yet. */
    public Uni<Long> unfinishedBlockersOf(UUID taskId) {
        return count("status <> ?1 and id in (select d.dependsOnTaskId from TaskDependency d where d.taskId = ?2"
                + " and d.type = ?3)", TaskStatus.completed, taskId, TaskDependency.Type.blocks);
    }
}
