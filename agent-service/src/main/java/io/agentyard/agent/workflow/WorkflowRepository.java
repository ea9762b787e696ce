package io.agentyard.agent.workflow;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkflowRepository implements PanacheRepositoryBase<Workflow, UUID> {

    public Uni<Boolean> nameTaken(UUID ownerId, String name, UUID except) {
        return count("ownerId = ?1 and lower(name) = ?2 and id <> ?3", ownerId, name.toLowerCase(),
                except == null ? new UUID(0, 0) : except).map(n -> n > 0);
    }
}
