package io.agentyard.task.worker;

import java.time.Instant;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.events.AgentEvents;
import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventHandler;
import io.agentyard.task.dispatch.WorkOrderService;
import io.smallrye.mutiny.Uni;

/**
 * Keeps task-service's view of agent-service's workers current (type, slots, status), and ends the
 * leases of a worker that went offline at once.
 */
@ApplicationScoped
public class WorkerEventsHandler implements EventHandler {

    private final KnownWorkerRepository workers;
    private final WorkOrderService workOrders;

    WorkerEventsHandler(KnownWorkerRepository workers, WorkOrderService workOrders) {
        this.workers = workers;
        this.workOrders = workOrders;
    }

    @Override
    public String source() {
        return AgentEvents.SOURCE;
    }

    @Override
    public Set<String> types() {
        return Set.of(AgentEvents.WORKER_REGISTERED, AgentEvents.WORKER_UPDATED, AgentEvents.WORKER_STATUS_CHANGED,
                AgentEvents.WORKER_OFFLINE, AgentEvents.WORKER_DELETED);
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        return switch (event.type()) {
            case AgentEvents.WORKER_REGISTERED, AgentEvents.WORKER_UPDATED -> upsert(
                    event.data(AgentEvents.WorkerChanged.class));
            case AgentEvents.WORKER_STATUS_CHANGED -> {
                AgentEvents.WorkerStatusChanged data = event.data(AgentEvents.WorkerStatusChanged.class);
                yield setStatus(data.workerId(), data.status());
            }
            case AgentEvents.WORKER_OFFLINE -> {
                AgentEvents.WorkerOffline data = event.data(AgentEvents.WorkerOffline.class);
                yield setStatus(data.workerId(), "offline")
                        .chain(() -> workOrders.expireLeasesOf(data.workerId())).replaceWithVoid();
            }
            case AgentEvents.WORKER_DELETED -> workers.deleteById(event.data(AgentEvents.WorkerDeleted.class)
                    .workerId()).replaceWithVoid();
            default -> Uni.createFrom().voidItem();
        };
    }

    private Uni<Void> upsert(AgentEvents.WorkerChanged data) {
        return workers.findById(data.workerId()).chain(known -> {
            KnownWorker worker = known != null ? known : new KnownWorker();
            worker.workerType = data.workerType();
            worker.maxConcurrentTasks = data.maxConcurrentTasks();
            worker.timeoutSeconds = data.timeoutSeconds();
            worker.updatedAt = Instant.now();
            if (known != null) {
                return Uni.createFrom().voidItem();
            }
            worker.id = data.workerId();
            worker.status = "offline";
            return workers.persist(worker).replaceWithVoid();
        });
    }

    private Uni<Void> setStatus(java.util.UUID workerId, String status) {
        return workers.findById(workerId).invoke(worker -> {
            if (worker != null) {
                worker.status = status;
                worker.updatedAt = Instant.now();
            }
        }).replaceWithVoid();
    }
}
