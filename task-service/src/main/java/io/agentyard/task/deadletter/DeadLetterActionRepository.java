package io.agentyard.task.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.Cursor;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class DeadLetterActionRepository implements PanacheRepositoryBase<DeadLetterAction, UUID> {

    /**
     * Records {@code action} by {@code actorId} on each of the orders {@code ids}, as they are now
     * (so before they change): one statement, in the caller's transaction.
     */
    public Uni<Integer> record(DeadLetterAction.Action action, List<UUID> ids, UUID actorId, Instant at) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        insert into {h-schema}dead_letter_actions
                            (id, action, work_order_id, task_id, queue_name, actor_id, acted_at, detail)
                        select gen_random_uuid(), :action, o.id, o.task_id, o.queue_name, :actor, :at,
                               jsonb_build_object('status', o.status, 'error', o.error_message,
                                                  'retryCount', o.retry_count, 'maxRetries', o.max_retries,
                                                  'attempt', o.attempt,
                                                  'deadSince', {h-schema}iso_instant(o.completed_at))
                        from {h-schema}work_orders o where o.id in (:ids)""")
                .setParameter("action", action.name()).setParameter("actor", actorId).setParameter("at", at)
                .setParameter("ids", ids).executeUpdate());
    }

    /**
     * Newest first, {@code limit} + 1 from {@code after} (to tell whether more follow); {@code
     * owner}, when given, keeps to the actions on that person's tasks.
     */
    public Uni<List<DeadLetterAction>> page(UUID workOrderId, UUID actorId, UUID owner, Cursor after, int limit) {
        Conditions where = Conditions.of().equal("workOrderId", workOrderId).equal("actorId", actorId)
                .where("taskId in (select t.id from Task t where t.createdBy = :owner)", "owner", owner);
        if (after != null) {
            where.where("(actedAt < :cursorAt or (actedAt = :cursorAt and id < :cursorId))", "cursorAt", after.at());
            where.params().and("cursorId", after.id());
        }
        return find(where.query(), Sort.descending("actedAt", "id"), where.params()).range(0, limit).list();
    }
}
