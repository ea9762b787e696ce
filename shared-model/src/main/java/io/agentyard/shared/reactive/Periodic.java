package io.agentyard.shared.reactive;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * A background round (a reaper, a sweeper) run every {@code interval} on a safe Vert.x context of
 * its own. A round that returns a positive count is logged; a failed round is logged and the next
 * one runs on time. A round never overlaps the previous one.
 */
public final class Periodic implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Periodic.class);

    private final Vertx vertx;
    private final long timer;
    private final AtomicBoolean running = new AtomicBoolean();

    private Periodic(Vertx vertx, Duration interval, String what, Supplier<Uni<Integer>> round) {
        this.vertx = vertx;
        this.timer = vertx.setPeriodic(interval.toMillis(), id -> {
            if (!running.compareAndSet(false, true)) {
                return;
            }
            SafeContext.run(vertx, round).subscribe().with(count -> {
                running.set(false);
                if (count != null && count > 0) {
                    LOG.infof("%s: %d", what, count);
                }
            }, failure -> {
                running.set(false);
                LOG.warnf("%s failed: %s", what, failure.getMessage());
            });
        });
    }

    /** Starts running {@code round} every {@code interval}; {@code what} names it in the log. */
    public static Periodic every(Vertx vertx, Duration interval, String what, Supplier<Uni<Integer>> round) {
        return new Periodic(vertx, interval, what, round);
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
