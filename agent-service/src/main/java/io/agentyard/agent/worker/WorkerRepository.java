package io.agentyard.agent.worker;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkerRepository implements PanacheRepositoryBase<Worker, UUID> {

    /** Hibernate's lock timeout meaning SKIP LOCKED. */
    private static final int SKIP_LOCKED = -2;

    public Uni<Boolean> nameTaken(String name, UUID except) {
        return count("lower(name) = ?1 and id <> ?2", name.toLowerCase(), except == null ? new UUID(0, 0) : except)
                .map(n -> n > 0);
    }

    /**
     * Workers not yet offline whose last heartbeat is older than {@code cutoff}, locked; rows
     * another replica's reaper holds are skipped, so each silent worker is reaped once.
     */
    public Uni<List<Worker>> silentSince(Instant cutoff, int limit) {
        return find("status <> ?1 and (lastHeartbeatAt is null or lastHeartbeatAt < ?2)", Worker.Status.offline, cutoff)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .withHint("jakarta.persistence.lock.timeout", SKIP_LOCKED)
                .page(0, limit).list();
    }

    /** Live workers of a type with a free slot, heard from since {@code aliveSince}. */
    public Uni<List<Worker>> available(Worker.Type type, Instant aliveSince) {
        return list("workerType = ?1 and status in ?2 and currentLoad < maxConcurrentTasks and lastHeartbeatAt >= ?3",
                type, List.of(Worker.Status.idle, Worker.Status.busy), aliveSince);
    }
}
