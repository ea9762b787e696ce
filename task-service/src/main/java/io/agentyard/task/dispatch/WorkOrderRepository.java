package io.agentyard.task.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

@ApplicationScoped
public class WorkOrderRepository implements PanacheRepositoryBase<WorkOrder, UUID> {

    /**
     * Claimed orders whose lease has run out, locked; other reapers' rows are skipped. An order whose
     * task is {@code pausedStatus} for one of {@code pausingReasons} (a person is asked something) is
     * not expired, whatever its expiry time: WorkOrderService decides which, from Task.BlockedReason.
     */
    public Uni<List<WorkOrder>> lockExpired(Instant now, int limit, String pausedStatus, List<String> pausingReasons) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        select o.* from {h-schema}work_orders o
                        where o.status = 'claimed' and o.expires_at < :now
                          and not exists (select 1 from {h-schema}tasks t
                                          where t.id = o.task_id and t.status = :paused
                                            and t.blocked_reason in (:reasons))
                        order by o.expires_at limit :limit
                        for update of o skip locked""", WorkOrder.class)
                .setParameter("now", now).setParameter("limit", limit).setParameter("paused", pausedStatus)
                .setParameter("reasons", pausingReasons).getResultList());
    }

    /** The task's claimed order, locked (a task has at most one), or null. */
    public Uni<WorkOrder> lockClaimedOf(UUID taskId) {
        return find("taskId = ?1 and status = ?2", taskId, WorkOrder.Status.claimed)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<List<WorkOrder>> claimedBy(UUID workerId) {
        return list("claimedBy = ?1 and status = ?2", workerId, WorkOrder.Status.claimed);
    }

    /**
     * Sets the priority and payload of the task's waiting ({@code pending}) order, if it has one.
     * One statement: an order a claim takes meanwhile is no longer pending and is left alone (an
     * entity loaded and flushed would write the whole row back over the claim).
     */
    public Uni<Integer> refreshWaiting(UUID taskId, short priority, Map<String, Object> payload) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        update {h-schema}work_orders set priority = ?2, payload = cast(cast(?3 as text) as jsonb)
                        where task_id = ?1 and status = ?4""")
                .setParameter(1, taskId).setParameter(2, priority).setParameter(3, new JsonObject(payload).encode())
                .setParameter(4, WorkOrder.Status.pending.name())
                .executeUpdate());
    }

    /** The task's orders that are waiting or running. */
    public Uni<List<WorkOrder>> openOf(UUID taskId) {
        return list("taskId = ?1 and status in ?2", taskId, List.of(WorkOrder.Status.pending, WorkOrder.Status.claimed));
    }
}
