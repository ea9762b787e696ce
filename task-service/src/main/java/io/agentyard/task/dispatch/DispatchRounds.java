package io.agentyard.task.dispatch;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agentyard.shared.reactive.Periodic;
import io.agentyard.shared.reactive.SafeContext;
import io.agentyard.task.config.TaskServiceConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Dispatch's background rounds, every {@code reaper-interval} on every replica; rows are locked with
 * SKIP LOCKED, so replicas share the work and each row is handled once.
 * <ul>
 * <li>The lease reaper expires leases whose time has passed, except those paused while their task
 * waits for a person's answer.</li>
 * <li>The stranded-task sweep dispatches pending tasks that nothing holds back any more. Completing
 * a work order commits first and dispatches the tasks it unblocked just after; a replica that dies
 * in between would otherwise leave them pending for good.</li>
 * </ul>
 */
@ApplicationScoped
public class DispatchRounds {

    private static final int BATCH = 200;

    private final WorkOrderService workOrders;
    private final Dispatcher dispatcher;
    private final Vertx vertx;
    private final TaskServiceConfig config;
    private List<Periodic> rounds = List.of();

    DispatchRounds(WorkOrderService workOrders, Dispatcher dispatcher, Vertx vertx, TaskServiceConfig config) {
        this.workOrders = workOrders;
        this.dispatcher = dispatcher;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        rounds = List.of(
                Periodic.every(vertx, config.reaperInterval(), "Work-order leases expired", this::reapLeases),
                Periodic.every(vertx, config.reaperInterval(), "Stranded tasks dispatched",
                        () -> dispatcher.transaction(() -> dispatcher.dispatchStranded(BATCH))));
    }

    /** One round of the lease reaper; returns how many leases it expired. */
    private Uni<Integer> reapLeases() {
        return dispatcher.transaction(() -> workOrders.expireLeases(BATCH));
    }

    /** Runs one round of the lease reaper now, on a context of its own (for tests and operators). */
    public Uni<Integer> reapLeasesNow() {
        return SafeContext.run(vertx, this::reapLeases);
    }

    void stop(@Observes ShutdownEvent event) {
        rounds.forEach(Periodic::close);
    }
}
