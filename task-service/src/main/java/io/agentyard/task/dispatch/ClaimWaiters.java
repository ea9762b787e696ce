package io.agentyard.task.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agentyard.shared.events.EventsConfig;
import io.agentyard.shared.events.Wakeups;
import io.agentyard.shared.health.Stopping;
import io.agentyard.shared.reactive.SafeContext;
import io.agentyard.task.config.TaskServiceConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Long-polling claims wait here, in a line per queue, until they are woken or their time is up.
 * Each order that arrives wakes one waiter, never all of them:
 * <ul>
 * <li>{@link #announce} wakes the oldest waiters of the queue on this replica and publishes what it
 * could not place on Redis topic {@code work-orders} ({@code <token> <count> <queue>}). A replica
 * with waiters of that queue takes what it can use from the announcement's token counter (a Redis
 * key, atomically, by {@link #TAKE}) and wakes that many: k orders wake k claimers, on any replica.
 * A replica with no waiters of the queue ignores the message without a Redis call.</li>
 * <li>A fallback poll per replica (not per waiter), every {@code claim-poll-interval} with jitter and
 * only while someone waits, counts the orders that became available without an announcement
 * (retries whose backoff ended) or whose wake-up was lost, and wakes that many local waiters.</li>
 * </ul>
 * An idle waiter costs a timer and nothing else. A woken claimer may find nothing (another claimer
 * was quicker); it then waits again at the back of the line.
 * <p>
 * A stopping replica {@linkplain #drain() drains}: as its shutdown begins (readiness goes DOWN), every
 * waiter is woken for a last claim and answered, and claims arriving meanwhile do not wait, so
 * workers claim again from another replica instead of losing their connection when this one stops.
 * <p>
 * The fallback poll stays a Vert.x timer rather than a quarkus-scheduler round: it is armed only
 * while claims wait, and jittered each time, which the scheduler's fixed once-a-second tick cannot do.
 */
@ApplicationScoped
public class ClaimWaiters {

    private static final Logger LOG = Logger.getLogger(ClaimWaiters.class);

    static final String TOPIC = "work-orders";

    /** Unused tokens of an announcement are dropped after this (the fallback poll covers them). */
    private static final Duration TOKEN_TTL = Duration.ofSeconds(30);

    /** The fallback poll runs every interval, give or take this fraction, so replicas drift apart. */
    private static final double JITTER = 0.2;

    /**
     * Takes up to ARGV[1] tokens of announcement KEYS[1], which starts with ARGV[2] tokens (the first
     * taker creates it, so an announcement nobody takes up writes nothing); returns how many it took.
     */
    static final String TAKE = """
            local left = tonumber(redis.call('get', KEYS[1]) or ARGV[2])
            local taken = math.min(left, tonumber(ARGV[1]))
            redis.call('set', KEYS[1], left - taken, 'EX', ARGV[3])
            return taken""";

    /**
     * How many orders are available now on each queue $1, counted only up to its number of waiters
     * $2: per queue, a walk of work_orders_ready_idx that stops there (stepping over orders still in
     * their retry backoff), however many are pending. The index's order keeps the planner on it:
     * without it, a sequential scan of work_orders looked cheaper.
     */
    private static final String AVAILABLE = """
            select q.name, a.available from unnest($1::text[], $2::int[]) as q (name, waiters)
            cross join lateral (
                select count(*)::int as available from (
                    select 1 from task.work_orders
                    where status = 'pending' and queue_name = q.name and available_at <= now()
                    order by priority desc, available_at, enqueued_at
                    limit q.waiters) o) a""";

    /** What woke a waiter (the {@code by} tag of {@code agentyard.claim.wakeups}). */
    enum Cause { local, remote, poll }

    private final Wakeups wakeups;
    private final ReactiveRedisDataSource redis;
    private final Pool pool;
    private final Vertx vertx;
    private final Duration pollInterval;
    private final String tokenPrefix;
    private final Map<Cause, Counter> woken = new HashMap<>();
    private final Counter polls;

    // One lock guards the lines, the waiter count and the poll's timer: each step under it is short
    // and never waits, and a waiter must leave all its lines at once (one wake = one waiter).
    private final Map<String, LinkedHashSet<Waiter>> lines = new HashMap<>();
    private int waiting;
    private boolean pollArmed;
    private boolean stopped;
    private volatile boolean draining;
    private Wakeups.Subscription subscription;

    ClaimWaiters(Wakeups wakeups, ReactiveRedisDataSource redis, Pool pool, Vertx vertx, TaskServiceConfig config,
                 EventsConfig events, MeterRegistry metrics) {
        this.wakeups = wakeups;
        this.redis = redis;
        this.pool = pool;
        this.vertx = vertx;
        this.pollInterval = config.claimPollInterval();
        this.tokenPrefix = events.keyPrefix() + "agentyard.wakeup." + TOPIC + ".";
        for (Cause cause : Cause.values()) {
            woken.put(cause, Counter.builder("agentyard.claim.wakeups").tag("by", cause.name())
                    .description("Waiting claims woken, by what woke them").register(metrics));
        }
        this.polls = Counter.builder("agentyard.claim.polls")
                .description("Fallback polls for available work orders (only while claims wait)").register(metrics);
        metrics.gauge("agentyard.claim.waiters", this, ClaimWaiters::waiting);
    }

    void start(@Observes StartupEvent event) {
        subscription = wakeups.listen(TOPIC, this::onAnnouncement);
    }

    void drainAtShutdown(@Observes Stopping.Began event) {
        drain();
    }

    void stop(@Observes ShutdownEvent event) {
        synchronized (this) {
            stopped = true;
        }
        if (subscription != null) {
            subscription.close();
        }
    }

    /**
     * From now on no claim waits: every waiter is woken (for a last claim, then its answer) and
     * later claims answer at once with what is available.
     */
    public void drain() {
        List<Waiter> all;
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
            LinkedHashSet<Waiter> everyone = new LinkedHashSet<>();
            lines.values().forEach(everyone::addAll);
            all = new ArrayList<>(everyone);
            all.forEach(this::leave);
        }
        if (!all.isEmpty()) {
            LOG.infof("Stopping: %d waiting claim(s) answered now", all.size());
        }
        all.forEach(waiter -> waiter.wake.run());
    }

    /** True once this replica is stopping: claims answer at once instead of waiting. */
    public boolean draining() {
        return draining;
    }

    /**
     * {@code count} orders arrived on {@code queue} (committed): wakes that many waiters of the queue,
     * the oldest here first, the rest on other replicas. Redis trouble is logged, not raised.
     */
    public Uni<Void> announce(String queue, int count) {
        int left = count - wake(queue, count, Cause.local);
        if (left <= 0) {
            return Uni.createFrom().voidItem();
        }
        return wakeups.send(TOPIC, UUID.randomUUID() + " " + left + " " + queue);
    }

    /**
     * Completes when this waiter is woken (work may have arrived on one of {@code queues}) or after
     * {@code timeout}. A wake completes it on the waking thread, at once: the woken claim goes to the
     * database before the waker finishes its own request (a hop back to the claim's event loop first
     * queued it behind that work: 1 ms at p90 of the wake-up benchmark). What runs after it must not
     * need the claim's Vert.x context; its answer goes back there ({@link GroupCommit#submit}). So a
     * woken claim's SQL spans join the waker's trace (as a group-committed batch's join whichever
     * trace was current where it started); its events keep the claim's own.
     */
    public Uni<Void> await(Collection<String> queues, Duration timeout) {
        if (draining) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().<Void>emitter(emitter -> {
            Waiter waiter = new Waiter(List.copyOf(queues), () -> emitter.complete(null));
            if (!join(waiter)) {
                emitter.complete(null); // the replica began to stop meanwhile
                return;
            }
            // only the one that takes the waiter out of its lines completes it: a wake is never spent on a timed-out waiter
            long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
                if (leave(waiter)) {
                    waiter.wake.run();
                }
            });
            emitter.onTermination(() -> {
                vertx.cancelTimer(timer);
                leave(waiter);
            });
        });
    }

    /** Claims waiting here now (the {@code agentyard.claim.waiters} gauge). */
    synchronized int waiting() {
        return waiting;
    }

    /** Wakes up to {@code count} of the oldest waiters of {@code queue} here; returns how many. */
    private int wake(String queue, int count, Cause cause) {
        List<Waiter> taken = take(queue, count);
        taken.forEach(waiter -> waiter.wake.run());
        woken.get(cause).increment(taken.size());
        return taken.size();
    }

    private synchronized List<Waiter> take(String queue, int count) {
        LinkedHashSet<Waiter> line = lines.get(queue);
        if (line == null || count <= 0) {
            return List.of();
        }
        List<Waiter> taken = new ArrayList<>(Math.min(count, line.size()));
        for (Iterator<Waiter> oldest = line.iterator(); oldest.hasNext() && taken.size() < count; ) {
            taken.add(oldest.next());
        }
        taken.forEach(this::leave);
        return taken;
    }

    /** Puts the waiter in its lines; false (and nothing done) once draining. */
    private synchronized boolean join(Waiter waiter) {
        if (draining) {
            return false;
        }
        waiter.queues.forEach(queue -> lines.computeIfAbsent(queue, q -> new LinkedHashSet<>()).add(waiter));
        waiting++;
        armPoll();
        return true;
    }

    /** Takes the waiter out of all its lines; false if it was not in them (already woken or gone). */
    private synchronized boolean leave(Waiter waiter) {
        boolean present = false;
        for (String queue : waiter.queues) {
            LinkedHashSet<Waiter> line = lines.get(queue);
            if (line != null && line.remove(waiter)) {
                present = true;
                if (line.isEmpty()) {
                    lines.remove(queue);
                }
            }
        }
        if (present) {
            waiting--;
        }
        return present;
    }

    /** How many wait here on {@code queue}. */
    private synchronized int waitingOn(String queue) {
        LinkedHashSet<Waiter> line = lines.get(queue);
        return line == null ? 0 : line.size();
    }

    /** Another replica (or this one) announced orders it could not place: take what we can use. */
    private void onAnnouncement(String message) {
        String[] parts = message.split(" ", 3);
        if (parts.length != 3) {
            LOG.debugf("Malformed work-order announcement: %s", message);
            return;
        }
        String queue = parts[2];
        int here = waitingOn(queue);
        if (here == 0) {
            return;
        }
        redis.execute(Command.EVAL, TAKE, "1", tokenPrefix + parts[0], Integer.toString(here), parts[1],
                        Long.toString(TOKEN_TTL.toSeconds()))
                .subscribe().with(taken -> wake(queue, taken.toInteger(), Cause.remote),
                        failure -> LOG.debugf("Work-order announcement on %s not taken up: %s", queue,
                                failure.getMessage()));
    }

    /** Starts the fallback poll's timer unless it runs already; only while someone waits. */
    private synchronized void armPoll() {
        if (pollArmed || stopped || waiting == 0) {
            return;
        }
        pollArmed = true;
        double jitter = 1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        vertx.setTimer(Math.max(1, (long) (pollInterval.toMillis() * jitter)), id -> poll());
    }

    private synchronized void pollDone() {
        pollArmed = false;
        armPoll();
    }

    /** One fallback round: one query for all the queues waited on here, then as many wakes as orders. */
    private void poll() {
        List<String> queues = new ArrayList<>();
        List<Integer> waiters = new ArrayList<>();
        synchronized (this) {
            lines.forEach((queue, line) -> {
                queues.add(queue);
                waiters.add(line.size());
            });
        }
        if (queues.isEmpty()) {
            pollDone();
            return;
        }
        polls.increment();
        Tuple params = Tuple.of(queues.toArray(String[]::new), waiters.toArray(Integer[]::new));
        // a context of its own: the timer fires on the context of whichever request armed it
        SafeContext.run(vertx, () -> pool.preparedQuery(AVAILABLE).execute(params)).subscribe().with(rows -> {
            rows.forEach(row -> wake(row.getString("name"), row.getInteger("available"), Cause.poll));
            pollDone();
        }, failure -> {
            LOG.warnf("Fallback poll for work orders failed: %s", failure.getMessage());
            pollDone();
        });
    }

    /** A waiting claim: the queues it waits on and how to wake it (equal only to itself). */
    private static final class Waiter {

        final List<String> queues;
        final Runnable wake;

        Waiter(List<String> queues, Runnable wake) {
            this.queues = queues;
            this.wake = wake;
        }
    }
}
