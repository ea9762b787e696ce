package io.agentyard.agent.worker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.agentyard.agent.config.AgentServiceConfig;
import io.agentyard.shared.events.AgentEvents;
import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * The worker registry. Admins register and change workers; a worker identity (role {@code worker},
 * subject = its id) registers and updates itself by the same rules, reads itself and heartbeats;
 * task-service asks which workers can serve a task.
 */
@ApplicationScoped
public class WorkerService {

    static final Map<String, String> SORTABLE = Map.of("name", "lower(name)", "createdAt", "createdAt",
            "status", "status", "workerType", "workerType", "lastHeartbeatAt", "lastHeartbeatAt");

    private final WorkerRepository workers;
    private final WorkerCapabilityRepository capabilities;
    private final Outbox outbox;
    private final AgentServiceConfig config;

    WorkerService(WorkerRepository workers, WorkerCapabilityRepository capabilities, Outbox outbox,
                  AgentServiceConfig config) {
        this.workers = workers;
        this.capabilities = capabilities;
        this.outbox = outbox;
        this.config = config;
    }

    /** An admin registers a worker; it starts {@code offline} until its first heartbeat. */
    @WithTransaction
    public Uni<WorkerDtos.WorkerResponse> register(Caller admin, WorkerDtos.Register request) {
        return create(UUID.randomUUID(), admin.id(), request);
    }

    /** What a self-registration did: the worker as it now is, and whether it was new. */
    public record SelfRegistration(WorkerDtos.WorkerResponse worker, boolean created) {
    }

    /**
     * A worker identity (role {@code worker}) registers itself: its id is its token's subject.
     * Unknown, it is created as an admin's POST would create it (with {@code createdBy} = its own
     * id: no person created it); known, the body is applied as an admin's PATCH would apply it
     * (fields left out stay; {@code capabilities}, when sent, replace the set). Either way the
     * same event as the admin path ({@code worker.registered} / {@code worker.updated}). Two
     * registrations of one worker at once are serialised, so the second one updates.
     */
    @WithTransaction
    public Uni<SelfRegistration> registerSelf(Caller worker, WorkerDtos.Register request) {
        UUID id = worker.id();
        return workers.lockId(id)
                .chain(() -> workers.findById(id, LockModeType.PESSIMISTIC_WRITE))
                .chain(existing -> existing == null
                        ? create(id, id, request).map(created -> new SelfRegistration(created, true))
                        : apply(existing, WorkerDtos.Update.of(request)).map(updated -> new SelfRegistration(updated, false)));
    }

    /** A new worker with this id starts {@code offline} until its first heartbeat; needs a transaction. */
    private Uni<WorkerDtos.WorkerResponse> create(UUID id, UUID createdBy, WorkerDtos.Register request) {
        requireDistinct(request.capabilities());
        return requireFreeName(request.name(), null).chain(() -> {
            Instant now = Instant.now();
            Worker worker = new Worker();
            worker.id = id;
            worker.name = request.name();
            worker.workerType = request.workerType();
            worker.status = Worker.Status.offline;
            worker.version = request.version();
            worker.maxConcurrentTasks = request.maxConcurrentTasks() == null ? 1 : request.maxConcurrentTasks();
            worker.timeoutSeconds = request.timeoutSeconds() == null ? 3600 : request.timeoutSeconds();
            worker.contextWindowSize = request.contextWindowSize() == null ? 200_000 : request.contextWindowSize();
            worker.config = request.config() == null ? Map.of() : new HashMap<>(request.config());
            worker.currentLoad = 0;
            worker.createdBy = createdBy;
            worker.createdAt = now;
            worker.updatedAt = now;
            return workers.persist(worker)
                    .chain(saved -> replaceCapabilities(saved, request.capabilities()))
                    .call(caps -> recordChanged(AgentEvents.WORKER_REGISTERED, worker, caps))
                    .map(caps -> response(worker, caps));
        });
    }

    @WithSession
    public Uni<Page<WorkerDtos.WorkerResponse>> list(Worker.Type type, Worker.Status status, PageRequest page) {
        Conditions where = Conditions.of().equal("workerType", type).equal("status", status);
        return workers.find(where.query() + page.orderBy(SORTABLE, "name"), where.params()).page(page.toPanache()).list()
                .chain(found -> capabilities.of(found.stream().map(w -> w.id).toList())
                        .chain(caps -> workers.count(where.query(), where.params()).map(total -> Page.of(found,
                                w -> response(w, caps.getOrDefault(w.id, List.of())),
                                page, total))));
    }

    @WithSession
    public Uni<WorkerDtos.WorkerResponse> get(Caller caller, UUID id) {
        requireSelfIfWorker(caller, id);
        return existing(id, LockModeType.NONE).chain(this::withCapabilities);
    }

    @WithTransaction
    public Uni<WorkerDtos.WorkerResponse> update(UUID id, WorkerDtos.Update update) {
        return existing(id, LockModeType.PESSIMISTIC_WRITE).chain(worker -> apply(worker, update));
    }

    /** The worker a worker identity is (its token's subject); 404 until it has registered. */
    @WithSession
    public Uni<WorkerDtos.WorkerResponse> self(Caller worker) {
        return existing(worker.id(), LockModeType.NONE).chain(this::withCapabilities);
    }

    /** Applies a PATCH to a locked worker and records {@code worker.updated}; needs a transaction. */
    private Uni<WorkerDtos.WorkerResponse> apply(Worker worker, WorkerDtos.Update update) {
        requireDistinct(update.capabilities());
        return (update.name() == null ? Uni.createFrom().voidItem() : requireFreeName(update.name(), worker.id))
                .chain(() -> {
                    if (update.name() != null) {
                        worker.name = update.name();
                    }
                    if (update.workerType() != null) {
                        worker.workerType = update.workerType();
                    }
                    if (update.version() != null) {
                        worker.version = update.version();
                    }
                    if (update.maxConcurrentTasks() != null) {
                        worker.maxConcurrentTasks = update.maxConcurrentTasks();
                    }
                    if (update.timeoutSeconds() != null) {
                        worker.timeoutSeconds = update.timeoutSeconds();
                    }
                    if (update.contextWindowSize() != null) {
                        worker.contextWindowSize = update.contextWindowSize();
                    }
                    if (update.config() != null) {
                        worker.config = new HashMap<>(update.config());
                    }
                    worker.updatedAt = Instant.now();
                    Uni<List<WorkerCapability>> caps = update.capabilities() == null
                            ? capabilities.of(List.of(worker.id)).map(m -> m.getOrDefault(worker.id, List.of()))
                            : capabilities.deleteOf(worker.id).chain(() -> replaceCapabilities(worker,
                                    update.capabilities()));
                    return caps.call(list -> recordChanged(AgentEvents.WORKER_UPDATED, worker, list))
                            .map(list -> response(worker, list));
                });
    }

    @WithTransaction
    public Uni<Void> delete(UUID id) {
        return existing(id, LockModeType.NONE).call(worker -> workers.delete(worker))
                .call(worker -> outbox.record(AgentEvents.WORKER_DELETED, worker.id,
                        new AgentEvents.WorkerDeleted(worker.id)))
                .replaceWithVoid();
    }

    /** A worker reports it is alive, its status and its load; only the worker itself may. */
    @WithTransaction
    public Uni<WorkerDtos.WorkerResponse> heartbeat(Caller caller, UUID id, WorkerDtos.Heartbeat heartbeat) {
        if (!caller.hasRole(Roles.WORKER) || !caller.is(id)) {
            throw ProblemException.forbidden("only the worker itself may send its heartbeat");
        }
        if (heartbeat.status() == Worker.Status.offline) {
            throw ProblemException.invalidField("status", "must be one of idle, busy, error");
        }
        return existing(id, LockModeType.PESSIMISTIC_WRITE).chain(worker -> {
            if (heartbeat.currentLoad() > worker.maxConcurrentTasks) {
                throw ProblemException.invalidField("currentLoad",
                        "must be at most maxConcurrentTasks (" + worker.maxConcurrentTasks + ")");
            }
            Worker.Status previous = worker.status;
            Instant now = Instant.now();
            worker.status = heartbeat.status();
            worker.currentLoad = heartbeat.currentLoad();
            worker.lastHeartbeatAt = now;
            worker.updatedAt = now;
            Uni<Void> event = previous == worker.status ? Uni.createFrom().voidItem()
                    : outbox.record(AgentEvents.WORKER_STATUS_CHANGED, worker.id, new AgentEvents.WorkerStatusChanged(
                            worker.id, previous.name(), worker.status.name(), worker.currentLoad)).replaceWithVoid();
            return event.chain(() -> withCapabilities(worker));
        });
    }

    /**
     * Workers that can take a task of {@code type} needing {@code required}: alive (heard from
     * within the heartbeat timeout), idle or busy with a free slot, with every capability at its
     * level or above; most free slots first.
     */
    @WithSession
    public Uni<List<WorkerDtos.WorkerResponse>> eligible(Worker.Type type, List<String> required, int limit) {
        List<WorkerDtos.Requirement> requirements = required.stream().map(WorkerDtos.Requirement::parse).toList();
        Instant aliveSince = Instant.now().minus(config.workerHeartbeatTimeout());
        return workers.available(type, aliveSince).chain(candidates -> capabilities.of(
                candidates.stream().map(w -> w.id).toList()).map(caps -> candidates.stream()
                .filter(w -> requirements.stream().allMatch(r -> r.metBy(caps.getOrDefault(w.id, List.of()))))
                .sorted(Comparator.comparingInt((Worker w) -> w.maxConcurrentTasks - w.currentLoad).reversed()
                        .thenComparing(w -> w.lastHeartbeatAt, Comparator.reverseOrder()))
                .limit(limit)
                .map(w -> response(w, caps.getOrDefault(w.id, List.of())))
                .toList()));
    }

    /** Marks workers silent for longer than the timeout offline; needs a transaction. */
    public Uni<Integer> reapSilent(int limit) {
        Instant cutoff = Instant.now().minus(config.workerHeartbeatTimeout());
        return workers.silentSince(cutoff, limit).chain(silent -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            Instant now = Instant.now();
            for (Worker worker : silent) {
                worker.status = Worker.Status.offline;
                worker.currentLoad = 0;
                worker.updatedAt = now;
                chain = chain.chain(() -> outbox.record(AgentEvents.WORKER_OFFLINE, worker.id,
                        new AgentEvents.WorkerOffline(worker.id, worker.lastHeartbeatAt)).replaceWithVoid());
            }
            return chain.map(done -> silent.size());
        });
    }

    private static void requireSelfIfWorker(Caller caller, UUID id) {
        if (caller.hasRole(Roles.WORKER) && !caller.is(id)) {
            throw ProblemException.forbidden("a worker may only read itself");
        }
    }

    private static void requireDistinct(List<WorkerDtos.Capability> requested) {
        if (requested == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (WorkerDtos.Capability capability : requested) {
            if (!seen.add(capability.name().toLowerCase())) {
                throw ProblemException.invalidField("capabilities", "duplicate capability '" + capability.name() + "'");
            }
        }
    }

    private Uni<List<WorkerCapability>> replaceCapabilities(Worker worker, List<WorkerDtos.Capability> requested) {
        if (requested == null || requested.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Instant now = Instant.now();
        List<WorkerCapability> rows = new ArrayList<>();
        for (WorkerDtos.Capability capability : requested) {
            WorkerCapability row = new WorkerCapability();
            row.id = UUID.randomUUID();
            row.workerId = worker.id;
            row.name = capability.name().toLowerCase();
            row.level = capability.level() == null ? WorkerCapability.Level.intermediate : capability.level();
            row.metadata = capability.metadata() == null ? Map.of() : new HashMap<>(capability.metadata());
            row.createdAt = now;
            rows.add(row);
        }
        rows.sort(Comparator.comparing(c -> c.name));
        return capabilities.persist(rows).replaceWith(rows);
    }

    private Uni<WorkerDtos.WorkerResponse> withCapabilities(Worker worker) {
        return capabilities.of(List.of(worker.id))
                .map(caps -> response(worker, caps.getOrDefault(worker.id, List.of())));
    }

    private WorkerDtos.WorkerResponse response(Worker worker, List<WorkerCapability> caps) {
        return WorkerDtos.WorkerResponse.from(worker, caps, heartbeatIntervalSeconds());
    }

    /**
     * How often a worker should heartbeat: a third of the timeout after which the reaper marks it
     * offline (so two heartbeats may be lost), at least a second.
     */
    long heartbeatIntervalSeconds() {
        return Math.max(1, config.workerHeartbeatTimeout().toSeconds() / 3);
    }

    private Uni<Worker> existing(UUID id, LockModeType lock) {
        return workers.findById(id, lock).onItem().ifNull().failWith(() -> ProblemException.notFound("worker", id));
    }

    private Uni<Void> requireFreeName(String name, UUID except) {
        return ProblemException.conflictIf(workers.nameTaken(name, except), "a worker named '" + name + "' already exists");
    }

    private Uni<Void> recordChanged(String type, Worker worker, List<WorkerCapability> caps) {
        return outbox.record(type, worker.id, new AgentEvents.WorkerChanged(worker.id, worker.name,
                worker.workerType.name(), worker.maxConcurrentTasks, caps.stream().map(c -> c.name).toList(),
                worker.timeoutSeconds))
                .replaceWithVoid();
    }
}
