package io.agentyard.agent.workflow;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.page.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkflowVersionRepository implements PanacheRepositoryBase<WorkflowVersion, UUID> {

    public Uni<WorkflowVersion> find(UUID workflowId, int version) {
        return find("workflowId = ?1 and version = ?2", workflowId, version).firstResult();
    }

    /** Newest first. */
    public Uni<List<WorkflowVersion>> history(UUID workflowId, PageRequest page) {
        return find("workflowId", Sort.descending("version"), workflowId).page(page.toPanache()).list();
    }

    public Uni<Long> countOf(UUID workflowId) {
        return count("workflowId", workflowId);
    }
}
