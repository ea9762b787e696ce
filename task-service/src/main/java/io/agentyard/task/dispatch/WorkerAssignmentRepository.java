package io.agentyard.task.dispatch;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkerAssignmentRepository implements PanacheRepositoryBase<WorkerAssignment, UUID> {

    /** Ends the active assignment of an execution, with why when it did not succeed. */
    public Uni<Integer> end(UUID executionId, WorkerAssignment.Status status, Instant at, String error) {
        return update("status = ?1, completedAt = ?2, error = ?3 where executionId = ?4 and status = ?5", status, at,
                error, executionId, WorkerAssignment.Status.active);
    }
}
