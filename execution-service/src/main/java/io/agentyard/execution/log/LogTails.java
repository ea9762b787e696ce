package io.agentyard.execution.log;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.execution.config.ExecutionServiceConfig;
import io.agentyard.execution.execution.ExecutionStatus;
import io.agentyard.execution.live.LiveFeed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.core.Vertx;

/**
 * Live tails of execution logs. Each replica keeps one tail per followed execution, whatever the
 * number of followers: on a wake-up (a batch stored on any replica, a status change) or at the
 * poll interval it reads the lines after its slowest follower's position once, renders them as
 * JSON once, and hands each follower, as one event, the lines past its own position. Sequences
 * commit in order, so a follower that has line n has every line before it; one that joins
 * mid-stream starts from its own position (Last-Event-ID) and misses nothing. When the execution
 * has finished and a follower has every line, its stream ends.
 * <p>
 * Lines go out in groups (one event per read) rather than one event each: with many followers,
 * writing, flushing and serialising an event per line per follower was most of the service's CPU
 * (bench/results/logs-latest.md).
 */
@ApplicationScoped
public class LogTails {

    private static final Logger LOG = Logger.getLogger(LogTails.class);

    /**
     * The stream a follower reads is Server-Sent Events, and this is where its frames are made:
     * {@code event: logs} with the consecutive lines of one read as a JSON array of
     * {@link LogDtos.LogLine} and the last line's sequence as {@code id}, then {@code event: end}
     * with the run's final status. A frame is encoded once and written as it is to every follower
     * that lacks all of its lines.
     */
    static Buffer logsFrame(long last, byte[] json) {
        return Buffer.buffer(json.length + 40).appendString("id: " + last + "\nevent: logs\ndata: ").appendBytes(json)
                .appendString("\n\n");
    }

    static Buffer endFrame(ExecutionStatus status, long lastSequence) {
        return Buffer.buffer("event: end\ndata: {\"status\":\"" + status + "\",\"lastSequence\":" + lastSequence
                + "}\n\n");
    }

    private final LogStore store;
    private final LiveFeed live;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final ExecutionServiceConfig.Logs config;
    private final Map<UUID, Tail> tails = new ConcurrentHashMap<>();

    LogTails(LogStore store, LiveFeed live, Vertx vertx, ObjectMapper json, ExecutionServiceConfig config) {
        this.store = store;
        this.live = live;
        this.vertx = vertx;
        this.json = json;
        this.config = config.logs();
    }

    /** SSE frames of the lines of {@code executionId} after sequence {@code after}, then of every new one, until the run ends. */
    public Multi<Buffer> follow(UUID executionId, long after) {
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
        final MultiEmitter<? super Buffer> emitter;
        volatile long position;

        Follower(MultiEmitter<? super Buffer> emitter, long position) {
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
            List<LogDtos.LogLine> lines = read == null ? List.of() : read.lines();
            Buffer all = null; // the whole read, encoded once for every follower that lacks all of it
            for (Follower follower : followers) {
                if (read == null) {
                    follower.emitter.complete(); // the execution is gone (retention)
                    continue;
                }
                if (!lines.isEmpty()) {
                    long first = lines.get(0).sequence();
                    long last = lines.get(lines.size() - 1).sequence();
                    if (follower.position < first - 1) {
                        // joined behind this read's start while it ran: the next read starts from it
                        again = true;
                        continue;
                    }
                    if (last > follower.position) {
                        // sequences are consecutive: the follower lacks the lines from this index on
                        int from = (int) Math.max(0, follower.position - first + 1);
                        Buffer frame;
                        if (from == 0) {
                            frame = all == null ? (all = logsFrame(last, render(lines))) : all;
                        } else {
                            frame = logsFrame(last, render(lines.subList(from, lines.size())));
                        }
                        follower.emitter.emit(frame);
                        follower.position = last;
                    }
                }
                if (read.status().isFinal() && follower.position >= read.logCount()) {
                    follower.emitter.emit(endFrame(read.status(), read.logCount()));
                    follower.emitter.complete();
                }
            }
        }

        private byte[] render(List<LogDtos.LogLine> lines) {
            try {
                return json.writeValueAsBytes(lines);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("log lines cannot be written as JSON", e);
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
