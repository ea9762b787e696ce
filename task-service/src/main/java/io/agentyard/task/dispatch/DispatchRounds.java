package io.agentyard.task.dispatch;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.shared.reactive.FreshPlans;
import io.agentyard.shared.reactive.SafeContext;
import io.agentyard.task.config.TaskServiceConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

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
 * <li>The queue vacuum, every {@code vacuum-interval}, vacuums work_orders once it holds
 * {@code vacuum-dead-rows} dead row versions, so that claims stop walking the index entries of
 * orders claimed before (50,000 orders after the last vacuum, a claim of 16 walked 305 index pages:
 * 3 ms, most of the statement). Vacuuming is the table owner's right: under another role it does
 * nothing.</li>
 * </ul>
 * Each round is a public method that tests (and operators) call directly.
 */
@ApplicationScoped
public class DispatchRounds {

    private static final Logger LOG = Logger.getLogger(DispatchRounds.class);
    private static final int BATCH = 200;

    private final WorkOrderService workOrders;
    private final Dispatcher dispatcher;
    private final WorkOrderQueue queue;
    private final Pool pool;
    private final TaskServiceConfig config;
    private final Vertx vertx;
    /** Dead row versions in work_orders just after this replica's last vacuum: those it could not remove. */
    private final AtomicLong leftByLastVacuum = new AtomicLong();

    DispatchRounds(WorkOrderService workOrders, Dispatcher dispatcher, WorkOrderQueue queue, Pool pool,
                   TaskServiceConfig config, Vertx vertx) {
        this.workOrders = workOrders;
        this.dispatcher = dispatcher;
        this.queue = queue;
        this.pool = pool;
        this.config = config;
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

    @Scheduled(identity = "queue-vacuum", every = "${agentyard.task.vacuum-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledVacuum() {
        if (config.vacuumDeadRows() <= 0) {
            return Uni.createFrom().voidItem();
        }
        return vacuumNow(config.vacuumDeadRows())
                .invoke(dead -> {
                    if (dead > 0) {
                        LOG.debugf("Vacuumed work_orders: %d dead row versions", dead);
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("Vacuuming work_orders failed: %s", failure.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Vacuums work_orders now if it holds at least {@code deadRows} dead row versions more than the
     * last vacuum had to leave; answers how many it counted when it did, else 0. Rows that a
     * transaction older than them may still see cannot be removed; counted again, they would have
     * every round vacuum the whole table for nothing while that transaction lasts.
     */
    public Uni<Long> vacuumNow(long deadRows) {
        return SafeContext.run(vertx, () -> queue.deadRows(pool).chain(dead -> {
            long left = leftByLastVacuum.updateAndGet(last -> Math.min(last, dead)); // less: vacuumed since
            if (dead - left < deadRows) {
                return Uni.createFrom().item(0L);
            }
            return queue.vacuum(pool).chain(() -> queue.deadRows(pool))
                    .invoke(leftByLastVacuum::set)
                    .replaceWith(dead);
        }));
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
