package io.agentyard.task.deadletter;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.Cursor;
import io.agentyard.task.dispatch.WorkOrder;
import io.agentyard.task.task.TaskStatus;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Dead work orders: found, listed and locked for a redrive or a purge. */
@ApplicationScoped
public class DeadLetterRepository implements PanacheRepositoryBase<WorkOrder, UUID> {

    /** The statuses of a dead order (WorkOrder.Status#isDead), as the queries take them. */
    static final List<WorkOrder.Status> DEAD = Arrays.stream(WorkOrder.Status.values())
            .filter(WorkOrder.Status::isDead).toList();

    /** Dead: ended failed or expired for good, and so its task failed. */
    static boolean isDead(WorkOrder order, TaskStatus taskStatus) {
        return order.status.isDead() && taskStatus == TaskStatus.failed;
    }

    /**
     * A page of dead orders matching {@code filter}, newest first ({@code completedAt}, then id),
     * {@code limit} + 1 from {@code after}; {@code owner}, when given, keeps to that person's tasks.
     */
    public Uni<List<WorkOrder>> page(DeadLetterService.Filter filter, UUID owner, Cursor after, int limit) {
        Conditions where = matching(filter, owner);
        if (after != null) {
            where.where("(completedAt < :cursorAt or (completedAt = :cursorAt and id < :cursorId))", "cursorAt",
                    after.at());
            where.params().and("cursorId", after.id());
        }
        return find(where.query(), Sort.descending("completedAt", "id"), where.params()).range(0, limit).list();
    }

    /** The newest {@code limit} dead orders matching {@code filter} (of {@code owner}'s tasks, when given), locked. */
    public Uni<List<WorkOrder>> lockMatching(DeadLetterService.Filter filter, UUID owner, int limit) {
        Conditions where = matching(filter, owner);
        return find(where.query(), Sort.descending("completedAt", "id"), where.params()).range(0, limit - 1)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /** The orders {@code ids} that exist, locked, dead or not: the caller tells. */
    public Uni<List<WorkOrder>> lock(List<UUID> ids) {
        return find("id in ?1", ids).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /** Deletes the orders {@code ids}; their attempts (and questions) go with them (ON DELETE CASCADE). */
    public Uni<Long> purge(List<UUID> ids) {
        return delete("id in ?1", ids);
    }

    private static Conditions matching(DeadLetterService.Filter filter, UUID owner) {
        Conditions where = Conditions.of().where("status in :dead", "dead", DEAD);
        if (owner == null) {
            where.where("taskId in (select t.id from Task t where t.status = :failed)", "failed", TaskStatus.failed);
        } else {
            where.where("taskId in (select t.id from Task t where t.status = :failed and t.createdBy = :owner)",
                    "failed", TaskStatus.failed);
            where.params().and("owner", owner);
        }
        // locate, not like: the text is matched as given, % and _ included
        return where.equal("queue", filter.queue())
                .where("locate(lower(:error), lower(errorMessage)) > 0", "error", filter.error())
                .where("completedAt >= :deadSince", "deadSince", filter.deadSince())
                .where("completedAt < :deadBefore", "deadBefore", filter.deadBefore());
    }
}
