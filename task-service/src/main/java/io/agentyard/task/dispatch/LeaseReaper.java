package io.agentyard.task.dispatch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agentyard.shared.reactive.Periodic;
import io.agentyard.task.config.TaskServiceConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Expires leases whose time has passed, every {@code reaper-interval}, on every replica: expired
 * orders are locked with SKIP LOCKED, so each is handled by exactly one reaper.
 */
@ApplicationScoped
public class LeaseReaper {

    private static final int BATCH = 200;

    private final WorkOrderService workOrders;
    private final Dispatcher dispatcher;
    private final Vertx vertx;
    private final TaskServiceConfig config;
    private Periodic rounds;

    LeaseReaper(WorkOrderService workOrders, Dispatcher dispatcher, Vertx vertx, TaskServiceConfig config) {
        this.workOrders = workOrders;
        this.dispatcher = dispatcher;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        rounds = Periodic.every(vertx, config.reaperInterval(), "Work-order leases expired",
                () -> dispatcher.transaction(() -> workOrders.expireLeases(BATCH)));
    }

    void stop(@Observes ShutdownEvent event) {
        if (rounds != null) {
            rounds.close();
        }
    }
}
