package io.agentyard.agent.worker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agentyard.agent.config.AgentServiceConfig;
import io.agentyard.shared.reactive.Periodic;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Marks workers offline when their heartbeats stop, every {@code reaper-interval}, on every
 * replica: the rows are claimed with SKIP LOCKED, so each silent worker is reaped (and its
 * {@code worker.offline} event recorded) exactly once.
 */
@ApplicationScoped
public class WorkerReaper {

    private static final int BATCH = 100;

    private final WorkerService workers;
    private final Vertx vertx;
    private final AgentServiceConfig config;
    private Periodic rounds;

    WorkerReaper(WorkerService workers, Vertx vertx, AgentServiceConfig config) {
        this.workers = workers;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        rounds = Periodic.every(vertx, config.reaperInterval(), "Silent workers marked offline",
                () -> Panache.withTransaction(() -> workers.reapSilent(BATCH)));
    }

    void stop(@Observes ShutdownEvent event) {
        if (rounds != null) {
            rounds.close();
        }
    }
}
