package io.agentyard.task.dispatch;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.shared.reactive.FreshPlans;
import io.agentyard.shared.reactive.SafeContext;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Dispatch's background rounds, every {@code reaper-interval} on every replica (quarkus-scheduler,
 * a round never overlapping itself); rows are locked with SKIP LOCKED, so replicas share the work
 * and each row is handled once.
 * <ul>
 * <li>The lease reaper expires leases whose time has passed, except those paused while their task
 * waits for a person's answer.</li>
 * <li>The stranded-task sweep dispatches pending tasks that nothing holds back any more. Completing
 * a work order commits first and dispatches the tasks it unblocked just after; a replica that dies
 * in between would otherwise leave them pending for good.</li>
 * </ul>
 * Each round is a public method that tests (and operators) call directly.
 */
@ApplicationScoped
public class DispatchRounds {

    private static final Logger LOG = Logger.getLogger(DispatchRounds.class);
    private static final int BATCH = 200;

    private final WorkOrderService workOrders;
    private final Dispatcher dispatcher;
    private final Vertx vertx;

    DispatchRounds(WorkOrderService workOrders, Dispatcher dispatcher, Vertx vertx) {
        this.workOrders = workOrders;
        this.dispatcher = dispatcher;
        this.vertx = vertx;
    }

    @Scheduled(identity = "lease-reaper", every = "${agentyard.task.reaper-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledReaper() {
        return reapLeasesNow().invoke(count -> log("Work-order leases expired", count)).replaceWithVoid();
    }

    @Scheduled(identity = "stranded-sweep", every = "${agentyard.task.reaper-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledSweep() {
        return dispatchStrandedNow().invoke(count -> log("Stranded tasks dispatched", count)).replaceWithVoid();
    }

    /** Runs one round of the lease reaper now, on a context of its own; answers how many leases it expired. */
    public Uni<Integer> reapLeasesNow() {
        return SafeContext.run(vertx, () -> dispatcher.transaction(
                () -> FreshPlans.forThisTransaction().chain(() -> workOrders.expireLeases(BATCH))));
    }

    /** Runs one round of the stranded-task sweep now; answers how many tasks it dispatched. */
    public Uni<Integer> dispatchStrandedNow() {
        return SafeContext.run(vertx, () -> dispatcher.transaction(
                () -> FreshPlans.forThisTransaction().chain(() -> dispatcher.dispatchStranded(BATCH))));
    }

    private static void log(String what, Integer count) {
        if (count != null && count > 0) {
            LOG.infof("%s: %d", what, count);
        }
    }
}
