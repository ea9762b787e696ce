package io.agentyard.task.dispatch;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agentyard.shared.reactive.AfterCommit;
import io.agentyard.task.task.Task;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Dispatch's metrics, per queue (docs/metrics.md). Claims, claim wait and the ends of attempts are
 * counted where they are decided, in memory, once their transaction has committed; the hot path
 * (claim, complete) pays a counter increment and nothing more. Queue depth and the age of the
 * oldest available order come from one grouped query over the pending orders' index, run by a round
 * every {@code agentyard.metrics.refresh-interval}; the gauges read its last answer. Every replica
 * reports the same depth: aggregate with {@code max by (queue)}, not {@code sum}.
 */
@ApplicationScoped
public class DispatchMetrics {

    private static final Logger LOG = Logger.getLogger(DispatchMetrics.class);

    /** From a claim in the same second to an order that waited an hour. */
    private static final Duration[] CLAIM_WAIT_BUCKETS = {
        Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
        Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1)};

    /**
     * Per queue: pending orders available now ({@code ready}), pending orders waiting out a retry's
     * backoff ({@code delayed}), and the age of the oldest available one. Walks
     * {@code work_orders_ready_idx} (partial on pending; queue and available_at are in it).
     */
    static final String DEPTH = """
            select queue_name,
                   count(*) filter (where available_at <= now()) as ready,
                   count(*) filter (where available_at > now()) as delayed,
                   coalesce(extract(epoch from now() - min(available_at) filter (where available_at <= now())), 0)
                       ::float8 as oldest_seconds
            from task.work_orders where status = 'pending' group by queue_name""";

    /** A gauge's value, written by the refresh round and read by scrapes. */
    private static final class Level {
        private volatile double value;

        void set(double value) {
            this.value = value;
        }

        double get() {
            return value;
        }
    }

    /** One queue's meters. */
    private final class Queue {
        final Counter claimed;
        final Timer claimWait;
        final Counter completed;
        final Counter failed;
        final Counter leaseExpired;
        final Counter retried;
        final Counter deadLettered;
        final Level ready = new Level();
        final Level delayed = new Level();
        final Level oldest = new Level();

        Queue(String name) {
            claimed = counter("agentyard.work_orders.claimed", name, "Work orders claimed by workers");
            claimWait = Timer.builder("agentyard.claim.wait").tag("queue", name)
                    .description("Time from a work order becoming available (enqueued, or its retry's backoff over)"
                            + " to its claim")
                    .serviceLevelObjectives(CLAIM_WAIT_BUCKETS).register(metrics);
            completed = counter("agentyard.work_orders.completed", name, "Work orders their worker completed");
            failed = counter("agentyard.work_orders.failed", name,
                    "Attempts their worker reported failed (each then retried or dead-lettered)");
            leaseExpired = counter("agentyard.work_orders.lease_expired", name,
                    "Attempts whose lease expired (no heartbeat in time, or their worker went offline)");
            retried = counter("agentyard.work_orders.retried", name,
                    "Failed or expired attempts put back on the queue after a backoff");
            deadLettered = counter("agentyard.work_orders.dead_lettered", name,
                    "Work orders that failed for good (retries exhausted or not retryable); their task failed");
            Gauge.builder("agentyard.queue.depth", ready, Level::get).tag("queue", name).tag("state", "ready")
                    .description("Pending work orders: ready (claimable now) or delayed (waiting out a retry's backoff)")
                    .register(metrics);
            Gauge.builder("agentyard.queue.depth", delayed, Level::get).tag("queue", name).tag("state", "delayed")
                    .description("Pending work orders: ready (claimable now) or delayed (waiting out a retry's backoff)")
                    .register(metrics);
            Gauge.builder("agentyard.queue.oldest_age", oldest, Level::get).tag("queue", name)
                    .description("Age of the oldest work order available to claim (0 when none waits)")
                    .baseUnit("seconds").register(metrics);
        }

        private Counter counter(String meter, String queue, String description) {
            return Counter.builder(meter).tag("queue", queue).description(description).register(metrics);
        }
    }

    private final MeterRegistry metrics;
    private final Pool pool;
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();

    DispatchMetrics(MeterRegistry metrics, Pool pool) {
        this.metrics = metrics;
        this.pool = pool;
    }

    /** The task types' queues exist from the start, at 0: an alert's rate() sees their first event. */
    void register(@Observes StartupEvent event) {
        for (Task.Type type : Task.Type.values()) {
            queue(type.name());
        }
    }

    private Queue queue(String name) {
        return queues.computeIfAbsent(name, Queue::new);
    }

    /** Orders claimed (committed): each counted, and how long it waited since it became available. */
    void claimed(WorkOrderQueue.ClaimResult result) {
        for (int i = 0; i < result.orders().size(); i++) {
            Queue queue = queue(result.orders().get(i).queue());
            queue.claimed.increment();
            queue.claimWait.record(result.waitMillis().get(i), TimeUnit.MILLISECONDS);
        }
    }

    /** An order completed (committed). */
    void completed(String queue) {
        queue(queue).completed.increment();
    }

    /** An attempt of {@code queue} ends, failed or expired; counted once its transaction commits. */
    void attemptEnded(String queue, boolean expired, boolean retried) {
        AfterCommit.register(() -> {
            Queue q = queue(queue);
            (expired ? q.leaseExpired : q.failed).increment();
            (retried ? q.retried : q.deadLettered).increment();
            return Uni.createFrom().voidItem();
        });
    }

    @Scheduled(identity = "dispatch-metrics", every = "${agentyard.metrics.refresh-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().onFailure().invoke(failure -> LOG.debugf("Measuring the queues failed: %s",
                failure.getMessage())).onFailure().recoverWithNull();
    }

    /** One round: reads every queue's depth and oldest age; a queue absent from the answer is empty. */
    public Uni<Void> refresh() {
        return pool.query(DEPTH).execute().invoke(rows -> {
            Set<String> seen = new HashSet<>();
            for (Row row : rows) {
                String name = row.getString("queue_name");
                seen.add(name);
                Queue queue = queue(name);
                queue.ready.set(row.getLong("ready"));
                queue.delayed.set(row.getLong("delayed"));
                queue.oldest.set(row.getDouble("oldest_seconds"));
            }
            queues.forEach((name, queue) -> {
                if (!seen.contains(name)) {
                    queue.ready.set(0);
                    queue.delayed.set(0);
                    queue.oldest.set(0);
                }
            });
        }).replaceWithVoid();
    }
}
