package io.agentyard.agent.worker;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkerCapabilityRepository implements PanacheRepositoryBase<WorkerCapability, UUID> {

    /** Capabilities of the given workers, by worker, in name order. */
    public Uni<Map<UUID, List<WorkerCapability>>> of(Collection<UUID> workerIds) {
        if (workerIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return list("workerId in ?1", Sort.by("name"), workerIds)
                .map(all -> all.stream().collect(Collectors.groupingBy(c -> c.workerId)));
    }

    public Uni<Long> deleteOf(UUID workerId) {
        return delete("workerId", workerId);
    }
}
