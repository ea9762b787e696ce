package io.agentyard.execution.log;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.execution.config.ExecutionServiceConfig;
import io.agentyard.execution.execution.ExecutionStatus;
import io.agentyard.execution.live.LiveFeed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.core.Vertx;

/**
 * Live tails of execution logs. Each replica keeps one tail per followed execution, whatever the
 * number of followers: on a wake-up (a batch stored on any replica, a status change) or at the
 * poll interval it reads the lines after its slowest follower's position once, and hands each
 * follower the lines past its own position. Sequences commit in order, so a follower that sees
 * line n has seen every line before it; one that joins mid-stream starts from its own position
 * (Last-Event-ID) and misses nothing. When the execution has finished and a follower has every
 * line, its stream ends.
 */
@ApplicationScoped
public class LogTails {

    private static final Logger LOG = Logger.getLogger(LogTails.class);

    /** What a follower receives: a line, or the end of the run. */
    public sealed interface Event permits Line, End {
    }

    public record Line(LogDtos.LogLine line) implements Event {
    }

    public record End(ExecutionStatus status, long lastSequence) implements Event {
    }

    private final LogStore store;
    private final LiveFeed live;
    private final Vertx vertx;
    private final ExecutionServiceConfig.Logs config;
    private final Map<UUID, Tail> tails = new ConcurrentHashMap<>();

    LogTails(LogStore store, LiveFeed live, Vertx vertx, ExecutionServiceConfig config) {
        this.store = store;
        this.live = live;
        this.vertx = vertx;
        this.config = config.logs();
    }

    /** Lines of {@code executionId} after sequence {@code after}, then every new one, until the run ends. */
    public Multi<Event> follow(UUID executionId, long after) {
        return Multi.createFrom().emitter(emitter -> {
            Follower follower = new Follower(emitter, after);
            Tail tail = join(executionId, follower);
            emitter.onTermination(() -> leave(tail, follower));
            tail.pump();
        });
    }

    /** How many executions this replica tails (metrics, tests). */
    public int tailed() {
        return tails.size();
    }

    private Tail join(UUID executionId, Follower follower) {
        return tails.compute(executionId, (id, tail) -> {
            Tail joined = tail == null ? new Tail(id) : tail;
            joined.followers.add(follower);
            return joined;
        });
    }

    private void leave(Tail tail, Follower follower) {
        tails.computeIfPresent(tail.executionId, (id, current) -> {
            current.followers.remove(follower);
            if (!current.followers.isEmpty()) {
                return current;
            }
            current.close();
            return null;
        });
    }

    private static final class Follower {
        final MultiEmitter<? super Event> emitter;
        volatile long position;

        Follower(MultiEmitter<? super Event> emitter, long position) {
            this.emitter = emitter;
            this.position = position;
        }
    }

    private final class Tail {
        final UUID executionId;
        final List<Follower> followers = new CopyOnWriteArrayList<>();
        final AtomicBoolean reading = new AtomicBoolean();
        final AutoCloseable wakeups;
        final long poll;
        volatile boolean again;

        Tail(UUID executionId) {
            this.executionId = executionId;
            this.wakeups = live.follow(executionId, message -> {
                if (LiveFeed.LOGS.equals(message.kind()) || LiveFeed.STATUS.equals(message.kind())) {
                    pump();
                }
            });
            this.poll = vertx.setPeriodic(config.tailPoll().toMillis(), id -> pump());
        }

        /** Reads what the slowest follower lacks and delivers it; one read at a time per tail. */
        void pump() {
            if (!reading.compareAndSet(false, true)) {
                again = true; // the running read is followed by another
                return;
            }
            again = false;
            long from = followers.stream().mapToLong(follower -> follower.position).min().orElse(Long.MAX_VALUE);
            if (from == Long.MAX_VALUE) {
                reading.set(false);
                return;
            }
            store.tail(executionId, from, config.tailChunk()).subscribe().with(read -> {
                boolean full = read != null && read.lines().size() == config.tailChunk();
                deliver(read);
                reading.set(false);
                if (again || full) {
                    pump();
                }
            }, failure -> {
                reading.set(false);
                LOG.debugf("Tail of execution %s could not read: %s", executionId, failure.getMessage());
            });
        }

        private void deliver(LogStore.TailRead read) {
            for (Follower follower : followers) {
                if (read == null) {
                    follower.emitter.complete(); // the execution is gone (retention)
                    continue;
                }
                for (LogDtos.LogLine line : read.lines()) {
                    if (line.sequence() > follower.position) {
                        follower.emitter.emit(new Line(line));
                        follower.position = line.sequence();
                    }
                }
                if (read.status().isFinal() && follower.position >= read.logCount()) {
                    follower.emitter.emit(new End(read.status(), read.logCount()));
                    follower.emitter.complete();
                }
            }
        }

        void close() {
            vertx.cancelTimer(poll);
            try {
                wakeups.close();
            } catch (Exception ignored) {
                // closing a local registration does not fail
            }
        }
    }
}
