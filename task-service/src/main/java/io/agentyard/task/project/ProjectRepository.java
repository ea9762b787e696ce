package io.agentyard.task.project;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ProjectRepository implements PanacheRepositoryBase<Project, UUID> {

    /** Names are unique per owner among projects that are not deleted. */
    public Uni<Boolean> nameTaken(UUID ownerId, String name, UUID except) {
        return count("ownerId = ?1 and lower(name) = ?2 and status <> ?3 and id <> ?4", ownerId, name.toLowerCase(),
                Project.Status.deleted, except == null ? new UUID(0, 0) : except).map(n -> n > 0);
    }
}
