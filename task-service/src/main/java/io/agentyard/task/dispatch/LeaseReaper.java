package io.agentyard.task.dispatch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agentyard.shared.reactive.SafeContext;
import io.agentyard.task.config.TaskServiceConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Expires leases whose time has passed, every {@code reaper-interval}, on every replica: expired
 * orders are locked with SKIP LOCKED, so each is handled by exactly one reaper.
 */
@ApplicationScoped
public class LeaseReaper {

    private static final Logger LOG = Logger.getLogger(LeaseReaper.class);
    private static final int BATCH = 200;

    private final WorkOrderService workOrders;
    private final Dispatcher dispatcher;
    private final Vertx vertx;
    private final TaskServiceConfig config;
    private long timer = -1;

    LeaseReaper(WorkOrderService workOrders, Dispatcher dispatcher, Vertx vertx, TaskServiceConfig config) {
        this.workOrders = workOrders;
        this.dispatcher = dispatcher;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.reaperInterval().toMillis(), id -> reap().subscribe().with(
                count -> {
                    if (count > 0) {
                        LOG.infof("Expired %d work-order lease(s)", count);
                    }
                },
                failure -> LOG.warnf("Lease reaper round failed: %s", failure.getMessage())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round; returns how many leases expired. */
    public Uni<Integer> reap() {
        return SafeContext.run(vertx, () -> dispatcher.transaction(() -> workOrders.expireLeases(BATCH)));
    }
}
