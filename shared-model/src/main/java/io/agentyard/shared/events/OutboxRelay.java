package io.agentyard.shared.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes committed outbox rows, in order, to the service's Redis stream and marks them
 * published. With several replicas, a transaction-scoped advisory lock lets one relay publish at a
 * time, so no row is published twice in normal operation and order is kept. When Redis is down the
 * rows simply wait; the next round after it returns publishes them. Publication is at least once
 * (a crash between XADD and the commit republishes), which consumers absorb by event id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Longest a stopping replica waits for the relay's round under way. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final Pool pool;
    private final Vertx vertx;
    private final ReactiveRedisDataSource redis;
    private final EventsConfig.Relay config;
    private final String table;
    private final String stream;
    private final long lockKey;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong lagSeconds = new AtomicLong();
    private final Counter published;
    private final EventTracing tracing;
    private volatile boolean redisDown;
    private volatile boolean stopping;
    private long timerId = -1;

    OutboxRelay(Pool pool, Vertx vertx, ReactiveRedisDataSource redis, EventsConfig config, MeterRegistry metrics,
                EventTracing tracing) {
        this.tracing = tracing;
        this.pool = pool;
        this.vertx = vertx;
        this.redis = redis;
        this.config = config.relay();
        this.table = config.source() + ".outbox";
        this.stream = config.streamOf(config.source());
        this.lockKey = ("agentyard.outbox." + config.source()).hashCode();
        this.published = Counter.builder("agentyard.events.published").tag("stream", stream)
                .description("Events the outbox relay published").register(metrics);
        metrics.gauge("agentyard.outbox.backlog", List.of(io.micrometer.core.instrument.Tag.of("stream", stream)),
                backlog, AtomicLong::get);
        metrics.gauge("agentyard.outbox.lag.seconds", List.of(io.micrometer.core.instrument.Tag.of("stream", stream)),
                lagSeconds, AtomicLong::get);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        // The poll runs every 100 ms by default: finer than quarkus-scheduler's 1 s tick, so a Vert.x timer.
        timerId = vertx.setPeriodic(config.interval().toMillis(), id -> publishPending());
    }

    /**
     * A stopping replica starts no new round and lets the one under way finish (its rows marked
     * published, or left in the outbox, where another replica's relay finds them). Runs after the
     * HTTP server drained, before the clients close, on the shutdown thread (which may wait).
     */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        while (running.get() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Scheduled(identity = "outbox-prune", every = "${agentyard.events.relay.prune-interval}", delayed = "PT1M",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledPrune() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return prune().onFailure().invoke(e -> LOG.warnf("Pruning %s failed: %s", table, e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Publishes what is pending now, round after round while rounds come back full. */
    public void publishPending() {
        if (stopping || !running.compareAndSet(false, true)) {
            return;
        }
        publishBatch().subscribe().with(count -> {
            running.set(false);
            if (count >= config.batchSize() && !stopping) {
                publishPending();
            }
        }, failure -> {
            running.set(false);
            LOG.warnf("Outbox relay round failed: %s", failure.getMessage());
        });
    }

    /** One round: returns how many rows were published. */
    public Uni<Integer> publishBatch() {
        return pool.withTransaction(connection -> connection
                .preparedQuery("select pg_try_advisory_xact_lock($1)").execute(Tuple.of(lockKey))
                .chain(locked -> !locked.iterator().next().getBoolean(0) ? Uni.createFrom().item(0)
                        : connection.preparedQuery("select seq, envelope::text, event_type, envelope->>'traceparent' from " + table
                                        + " where published_at is null order by seq limit $1")
                                .execute(Tuple.of(config.batchSize()))
                                .chain(rows -> {
                                    List<Row> batch = new ArrayList<>();
                                    rows.forEach(batch::add);
                                    if (batch.isEmpty()) {
                                        return Uni.createFrom().item(0); // an idle round leaves no span
                                    }
                                    // one span per round, linked to the traces of the events it publishes
                                    return tracing.publish(stream, batch.stream().map(row -> row.getString(3)).toList(),
                                            () -> publishInOrder(batch).chain(seqs -> markPublished(connection, seqs)));
                                })));
    }

    /**
     * XADDs the rows pipelined on one connection, so they reach the stream in order in about one
     * round trip; returns the seqs of the leading rows that went out (after a failure, the rest
     * wait for the next round, keeping the order).
     */
    private Uni<List<Long>> publishInOrder(List<Row> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        boolean[] sent = new boolean[rows.size()];
        XAddArgs args = new XAddArgs().maxlen(config.maxStreamLength()).nearlyExactTrimming();
        return redis.withConnection(connection -> {
            ReactiveStreamCommands<String, String, String> streams =
                    connection.stream(String.class, String.class, String.class);
            List<Uni<Void>> sends = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                int index = i;
                Row row = rows.get(i);
                sends.add(streams.xadd(stream, args, Map.of("type", row.getString(2), "envelope", row.getString(1)))
                        .invoke(id -> sent[index] = true)
                        .onFailure().recoverWithNull().replaceWithVoid());
            }
            return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
        }).onFailure().recoverWithNull().map(ignored -> {
            List<Long> done = new ArrayList<>();
            for (int i = 0; i < rows.size() && sent[i]; i++) {
                done.add(rows.get(i).getLong(0));
            }
            if (done.size() < rows.size()) {
                if (!redisDown) {
                    LOG.warnf("Redis refused event publication; %d event(s) wait in %s", rows.size() - done.size(),
                            table);
                }
                redisDown = true;
            } else if (redisDown) {
                LOG.info("Redis is back: publishing the events that waited");
                redisDown = false;
            }
            return done;
        });
    }

    private Uni<Integer> markPublished(SqlConnection connection, List<Long> seqs) {
        if (seqs.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return connection.preparedQuery("update " + table + " set published_at = now() where seq = any($1)")
                .execute(Tuple.of(seqs.toArray(new Long[0])))
                .invoke(() -> published.increment(seqs.size()))
                .map(ignored -> seqs.size());
    }

    /** Deletes rows published longer ago than the retention; returns how many. */
    public Uni<Integer> prune() {
        return pool.preparedQuery("delete from " + table + " where published_at < now() - $1::interval")
                .execute(Tuple.of(config.retention().toSeconds() + " seconds"))
                .map(io.vertx.mutiny.sqlclient.SqlResult::rowCount)
                .chain(outbox -> pool.preparedQuery("delete from " + table.replace(".outbox", ".processed_events")
                                + " where processed_at < now() - $1::interval")
                        .execute(Tuple.of(config.retention().toSeconds() + " seconds"))
                        .map(ignored -> outbox));
    }

    /** Refreshes the backlog and lag gauges. */
    @Scheduled(identity = "outbox-backlog", every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> measureBacklog() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return pool.query("select count(*), coalesce(extract(epoch from now() - min(created_at)), 0)::bigint from "
                        + table + " where published_at is null").execute()
                .invoke(rows -> {
                    Row row = rows.iterator().next();
                    backlog.set(row.getLong(0));
                    lagSeconds.set(row.getLong(1));
                })
                .onFailure().invoke(failure -> LOG.debugf("Measuring the outbox backlog failed: %s", failure.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
