package io.agentyard.shared.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agentyard.shared.reactive.FreshPlans;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
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
    private final String pending;
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
        this.pending = pendingEvents(table);
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
                // the round's reads plan afresh: a plan cached while the outbox was empty would read it whole
                .preparedQuery("select pg_try_advisory_xact_lock($1), " + FreshPlans.FOR_THIS_TRANSACTION)
                .execute(Tuple.of(lockKey))
                .chain(locked -> !locked.iterator().next().getBoolean(0) ? Uni.createFrom().item(0)
                        : connection.preparedQuery(pending).execute(Tuple.of(config.batchSize()))
                                .chain(rows -> {
                                    List<Row> batch = new ArrayList<>();
                                    rows.forEach(batch::add);
                                    if (batch.isEmpty()) {
                                        return Uni.createFrom().item(0); // an idle round leaves no span
                                    }
                                    // one span per round, linked to the traces of the events it publishes
                                    return tracing.publish(stream, batch.stream().map(row -> row.getString(3)).toList(),
                                            () -> publishInOrder(batch).chain(done -> markPublished(connection, done)));
                                })));
    }

    /**
     * The events of the first $1 unpublished rows, in order: a row holds one envelope or, when one
     * change produced several events (task-service's claims and completions), a JSON array of them,
     * each its own stream entry.
     */
    private static String pendingEvents(String table) {
        return "select o.seq, e.envelope::text, e.envelope->>'type', e.envelope->>'traceparent'"
                + " from (select seq, envelope from " + table + " where published_at is null order by seq limit $1) o"
                + " cross join lateral jsonb_array_elements(case jsonb_typeof(o.envelope) when 'array' then o.envelope"
                + " else jsonb_build_array(o.envelope) end) with ordinality as e (envelope, n)"
                + " order by o.seq, e.n";
    }

    /**
     * XADDs the events of one round to stream KEYS[1], in order, each trimmed to about ARGV[1] entries;
     * ARGV[2..] are (type, envelope) pairs. One command for the round instead of one per event: the
     * relay's cost was mostly the client's per-command work (a request, a reply, a span each): 45 % of
     * task-service's JFR samples in a drain of claims of 10 completed together. Redis does not roll a failed script back,
     * so a round cut short goes out again whole (at least once; consumers drop repeats by event id).
     */
    static final String XADD_ALL = """
            for i = 2, #ARGV, 2 do
                redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'type', ARGV[i], 'envelope', ARGV[i + 1])
            end
            return (#ARGV - 1) / 2""";

    /**
     * Publishes the round's events (rows of {@link #pendingEvents}) with one {@link #XADD_ALL}; returns
     * the rows (by seq) to mark published: all of them, or none when Redis refused (they wait for the
     * next round, keeping the order).
     */
    private Uni<List<Long>> publishInOrder(List<Row> events) {
        String[] args = new String[4 + 2 * events.size()];
        args[0] = XADD_ALL;
        args[1] = "1";
        args[2] = stream;
        args[3] = Long.toString(config.maxStreamLength());
        Set<Long> rows = new LinkedHashSet<>();
        for (int i = 0; i < events.size(); i++) {
            Row event = events.get(i);
            rows.add(event.getLong(0));
            args[4 + 2 * i] = event.getString(2);
            args[5 + 2 * i] = event.getString(1);
        }
        return redis.execute(Command.EVAL, args).map(sent -> {
            if (redisDown) {
                LOG.info("Redis is back: publishing the events that waited");
                redisDown = false;
            }
            published.increment(events.size());
            return List.copyOf(rows);
        }).onFailure().recoverWithItem(failure -> {
            if (!redisDown) {
                LOG.warnf("Redis refused event publication (%s); %d event(s) wait in %s", failure.getMessage(),
                        events.size(), table);
            }
            redisDown = true;
            return List.of();
        });
    }

    /** Marks rows {@code done} (by seq) published; returns how many. */
    private Uni<Integer> markPublished(SqlConnection connection, List<Long> done) {
        if (done.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return connection.preparedQuery("update " + table + " set published_at = now() where seq = any($1)")
                .execute(Tuple.of(done.toArray(new Long[0])))
                .map(ignored -> done.size());
    }

    /** Deletes rows published longer ago than the retention; returns how many. */
    public Uni<Integer> prune() {
        // unprepared (the retention is a number of seconds from configuration), so planned for the tables as they are
        String olderThan = " < now() - interval '" + config.retention().toSeconds() + " seconds'";
        return pool.query("delete from " + table + " where published_at" + olderThan).execute()
                .map(io.vertx.mutiny.sqlclient.SqlResult::rowCount)
                .chain(outbox -> pool.query("delete from " + table.replace(".outbox", ".processed_events")
                                + " where processed_at" + olderThan).execute()
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
