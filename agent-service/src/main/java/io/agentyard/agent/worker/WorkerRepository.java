package io.agentyard.agent.worker;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkerRepository implements PanacheRepositoryBase<Worker, UUID> {

    public Uni<Boolean> nameTaken(String name, UUID except) {
        return count("lower(name) = ?1 and id <> ?2", name.toLowerCase(), except == null ? new UUID(0, 0) : except)
                .map(n -> n > 0);
    }

    /**
     * Serialises the transactions that register the worker {@code id} until they end, so two
     * self-registrations of one new worker cannot both insert it (a row lock needs the row).
     */
    public Uni<Void> lockId(UUID id) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select pg_advisory_xact_lock(hashtext('agentyard.worker:' || ?1))")
                .setParameter(1, id.toString())
                .getSingleResult()).replaceWithVoid();
    }

    /**
     * Workers not yet offline whose last heartbeat is older than {@code cutoff}, locked; rows
     * another replica's reaper holds are skipped, so each silent worker is reaped once.
     */
    public Uni<List<Worker>> silentSince(Instant cutoff, int limit) {
        // Native: Panache's reactive queries cannot ask for SKIP LOCKED.
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        select * from {h-schema}workers
                        where status <> 'offline' and (last_heartbeat_at is null or last_heartbeat_at < ?1)
                        order by last_heartbeat_at limit ?2
                        for update skip locked""", Worker.class)
                .setParameter(1, cutoff).setParameter(2, limit).getResultList());
    }

    /** Live workers of a type with a free slot, heard from since {@code aliveSince}. */
    public Uni<List<Worker>> available(Worker.Type type, Instant aliveSince) {
        return list("workerType = ?1 and status in ?2 and currentLoad < maxConcurrentTasks and lastHeartbeatAt >= ?3",
                type, List.of(Worker.Status.idle, Worker.Status.busy), aliveSince);
    }
}
