package io.agentyard.task.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkOrderRepository implements PanacheRepositoryBase<WorkOrder, UUID> {

    /** Claimed orders whose lease has run out, locked; other reapers' rows are skipped. */
    public Uni<List<WorkOrder>> lockExpired(Instant now, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        select * from {h-schema}work_orders
                        where status = 'claimed' and expires_at < ?1
                        order by expires_at limit ?2
                        for update skip locked""", WorkOrder.class)
                .setParameter(1, now).setParameter(2, limit).getResultList());
    }

    public Uni<List<WorkOrder>> claimedBy(UUID workerId) {
        return list("claimedBy = ?1 and status = ?2", workerId, WorkOrder.Status.claimed);
    }

    /** The task's orders that are waiting or running. */
    public Uni<List<WorkOrder>> openOf(UUID taskId) {
        return list("taskId = ?1 and status in ?2", taskId, List.of(WorkOrder.Status.pending, WorkOrder.Status.claimed));
    }
}
