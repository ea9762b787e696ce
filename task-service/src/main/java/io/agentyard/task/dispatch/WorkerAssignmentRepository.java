package io.agentyard.task.dispatch;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkerAssignmentRepository implements PanacheRepositoryBase<WorkerAssignment, UUID> {

    /** Ends the active assignment of an execution. */
    public Uni<Integer> end(UUID executionId, WorkerAssignment.Status status, Instant at) {
        return update("status = ?1, completedAt = ?2 where executionId = ?3 and status = ?4", status, at, executionId,
                WorkerAssignment.Status.active);
    }
}
