package io.agentyard.task.dispatch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agentyard.shared.reactive.Periodic;
import io.agentyard.task.config.TaskServiceConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Completing a work order commits first and dispatches the tasks it unblocked just after; a replica
 * that dies in between would leave them pending for good. Every {@code reaper-interval} this sweep
 * dispatches pending tasks that nothing holds back any more. Rows are locked with SKIP LOCKED, so
 * replicas share the work and never enqueue a task twice.
 */
@ApplicationScoped
public class StrandedTaskSweeper {

    private static final int BATCH = 200;

    private final Dispatcher dispatcher;
    private final Vertx vertx;
    private final TaskServiceConfig config;
    private Periodic rounds;

    StrandedTaskSweeper(Dispatcher dispatcher, Vertx vertx, TaskServiceConfig config) {
        this.dispatcher = dispatcher;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        rounds = Periodic.every(vertx, config.reaperInterval(), "Stranded tasks dispatched",
                () -> dispatcher.transaction(() -> dispatcher.dispatchStranded(BATCH)));
    }

    void stop(@Observes ShutdownEvent event) {
        if (rounds != null) {
            rounds.close();
        }
    }
}
