package io.agentyard.agent.worker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agentyard.agent.config.AgentServiceConfig;
import io.agentyard.shared.reactive.SafeContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Marks workers offline when their heartbeats stop, every {@code reaper-interval}, on every
 * replica: the rows are claimed with SKIP LOCKED, so each silent worker is reaped (and its
 * {@code worker.offline} event recorded) exactly once.
 */
@ApplicationScoped
public class WorkerReaper {

    private static final Logger LOG = Logger.getLogger(WorkerReaper.class);
    private static final int BATCH = 100;

    private final WorkerService workers;
    private final Vertx vertx;
    private final AgentServiceConfig config;
    private long timer = -1;

    WorkerReaper(WorkerService workers, Vertx vertx, AgentServiceConfig config) {
        this.workers = workers;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.reaperInterval().toMillis(), id -> reap().subscribe().with(
                count -> {
                    if (count > 0) {
                        LOG.infof("Marked %d silent worker(s) offline", count);
                    }
                },
                failure -> LOG.warnf("Worker reaper round failed: %s", failure.getMessage())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round; returns how many workers went offline. */
    public Uni<Integer> reap() {
        return SafeContext.run(vertx, () -> Panache.withTransaction(() -> workers.reapSilent(BATCH)));
    }
}
