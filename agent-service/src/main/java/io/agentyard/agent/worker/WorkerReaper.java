package io.agentyard.agent.worker;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.shared.reactive.FreshPlans;
import io.agentyard.shared.reactive.SafeContext;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Marks workers offline when their heartbeats stop, every {@code reaper-interval}, on every
 * replica (quarkus-scheduler, never overlapping itself): the rows are claimed with SKIP LOCKED, so
 * each silent worker is reaped (and its {@code worker.offline} event recorded) exactly once.
 */
@ApplicationScoped
public class WorkerReaper {

    private static final Logger LOG = Logger.getLogger(WorkerReaper.class);
    private static final int BATCH = 100;

    private final WorkerService workers;
    private final Vertx vertx;

    WorkerReaper(WorkerService workers, Vertx vertx) {
        this.workers = workers;
        this.vertx = vertx;
    }

    @Scheduled(identity = "worker-reaper", every = "${agentyard.agent.reaper-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return runOnce().invoke(count -> {
            if (count > 0) {
                LOG.infof("Silent workers marked offline: %d", count);
            }
        }).replaceWithVoid();
    }

    /** One round, on a context of its own (tests call it): answers how many workers went offline. */
    public Uni<Integer> runOnce() {
        return SafeContext.run(vertx, () -> FreshPlans.withTransaction(() -> workers.reapSilent(BATCH)));
    }
}
