package io.agentyard.execution.step;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ExecutionStepRepository implements PanacheRepositoryBase<ExecutionStep, UUID> {

    public Uni<List<ExecutionStep>> ofExecution(UUID executionId) {
        return list("executionId", Sort.ascending("position"), executionId);
    }
}
