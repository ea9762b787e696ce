package io.agentyard.agent.agent;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class AgentRepository implements PanacheRepositoryBase<Agent, UUID> {

    /** Filters of the agent list; {@code ownerId} null means every owner. */
    public record Filter(UUID ownerId, AgentEnums.Category category, AgentEnums.Status status, Boolean active) {

        Conditions conditions() {
            return Conditions.of().equal("ownerId", ownerId).equal("category", category).equal("status", status)
                    .equal("active", active);
        }
    }

    public Uni<List<Agent>> list(Filter filter, String orderBy, PageRequest page) {
        Conditions where = filter.conditions();
        return find(where.query() + orderBy, where.params()).page(page.toPanache()).list();
    }

    public Uni<Long> count(Filter filter) {
        Conditions where = filter.conditions();
        return count(where.query(), where.params());
    }

    public Uni<Boolean> nameTaken(UUID ownerId, String name, UUID except) {
        return count("ownerId = ?1 and lower(name) = ?2 and id <> ?3", ownerId, name.toLowerCase(),
                except == null ? new UUID(0, 0) : except).map(n -> n > 0);
    }

    public Uni<List<Agent>> activeOf(UUID ownerId) {
        return list("ownerId = ?1 and active = true", ownerId);
    }
}
