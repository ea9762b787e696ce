package io.agentyard.agent.tool;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ToolRepository implements PanacheRepositoryBase<Tool, UUID> {

    public Uni<Boolean> nameTaken(String name, UUID except) {
        return count("lower(name) = ?1 and id <> ?2", name.toLowerCase(), except == null ? new UUID(0, 0) : except)
                .map(n -> n > 0);
    }
}
