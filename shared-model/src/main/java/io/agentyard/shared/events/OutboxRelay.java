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

import io.agentyard.shared.reactive.FreshPlans;
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
     * XADDs the events pipelined on one connection, so they reach the stream in order in about one
     * round trip; returns the leading rows whose events all went out (after a failure, the rest
     * wait for the next round, keeping the order).
     */
    private Uni<Published> publishInOrder(List<Row> events) {
        boolean[] sent = new boolean[events.size()];
        XAddArgs args = new XAddArgs().maxlen(config.maxStreamLength()).nearlyExactTrimming();
        return redis.withConnection(connection -> {
            ReactiveStreamCommands<String, String, String> streams =
                    connection.stream(String.class, String.class, String.class);
            List<Uni<Void>> sends = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                int index = i;
                Row event = events.get(i);
                sends.add(streams.xadd(stream, args, Map.of("type", event.getString(2), "envelope", event.getString(1)))
                        .invoke(id -> sent[index] = true)
                        .onFailure().recoverWithNull().replaceWithVoid());
            }
            return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
        }).onFailure().recoverWithNull().map(ignored -> {
            Published done = published(events.stream().map(event -> event.getLong(0)).toList(), sent);
            int waiting = events.size() - done.events();
            if (waiting > 0) {
                if (!redisDown) {
                    LOG.warnf("Redis refused event publication; %d event(s) wait in %s", waiting, table);
                }
                redisDown = true;
            } else if (redisDown) {
                LOG.info("Redis is back: publishing the events that waited");
                redisDown = false;
            }
            return done;
        });
    }

    /** Rows whose events all went out ({@code rows}, by seq), and how many events those held. */
    record Published(List<Long> rows, int events) {
    }

    /**
     * What went out, given each event's row ({@code seqs}, in publication order) and whether it was
     * sent: the leading rows whose events all were. A row cut short goes out again, whole, next
     * round (consumers drop the repeats by event id), and so does every row after it, keeping the order.
     */
    static Published published(List<Long> seqs, boolean[] sent) {
        List<Long> rows = new ArrayList<>();
        int events = 0;
        for (int i = 0; i < seqs.size() && sent[i]; i++) {
            if (i + 1 == seqs.size() || !seqs.get(i + 1).equals(seqs.get(i))) {
                rows.add(seqs.get(i));
                events = i + 1;
            }
        }
        return new Published(rows, events);
    }

    /** Marks {@code done}'s rows published; returns how many rows. */
    private Uni<Integer> markPublished(SqlConnection connection, Published done) {
        if (done.rows().isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return connection.preparedQuery("update " + table + " set published_at = now() where seq = any($1)")
                .execute(Tuple.of(done.rows().toArray(new Long[0])))
                .invoke(() -> published.increment(done.events()))
                .map(ignored -> done.rows().size());
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
