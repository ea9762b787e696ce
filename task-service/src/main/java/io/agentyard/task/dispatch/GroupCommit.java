package io.agentyard.task.dispatch;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;

/**
 * Group commit: requests that arrive while a batch is in the database wait and go together as the
 * next batch, in one transaction; each is answered only after that transaction commits. An idle
 * queue runs a lone request at once (no added wait); a busy one turns N round trips and commits
 * into one. Two requests with the same {@code key} never share a batch (a worker's claims must
 * each see the other's result).
 * <p>
 * Metrics, tagged {@code kind} (the name given): {@code agentyard.group_commit.batch_size}, the
 * requests each batch merged (recorded once per batch as it starts, whatever its outcome, so its
 * sum is the requests handled), {@code agentyard.group_commit.wait}, how long each request
 * waited in the queue before its batch started, and {@code agentyard.group_commit.duration}, how
 * long each batch took from its start until it was answered (committed or failed): the wait of the
 * requests that queue behind it.
 *
 * @param <Q> a request
 * @param <A> its answer
 */
final class GroupCommit<Q, A> {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);
    /** PostgreSQL's deadlock_detected: two batches locked rows in opposite orders; one is rolled back. */
    private static final String DEADLOCK = "40P01";

    /** Buckets of the batch size histogram: powers of two up to the default max-coalesced. */
    private static final double[] BATCH_SIZES = {1, 2, 4, 8, 16, 32, 64};
    /** A request waits about one batch's time in the database: milliseconds, seconds when it struggles. */
    private static final Duration[] WAITS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)};

    /** {@code since}: when it was queued ({@link System#nanoTime()}). */
    private record Waiting<Q, A>(Q request, CompletableFuture<A> answer, Context context, long since) {
    }

    private final String name;
    private final int maxBatch;
    private final Function<Q, Object> key;
    private final Function<List<Q>, Uni<List<A>>> run;
    private final DistributionSummary batchSize;
    private final Timer waited;
    private final Timer duration;
    private final ArrayDeque<Waiting<Q, A>> queue = new ArrayDeque<>();
    private boolean running;

    /**
     * @param name what it merges ({@code claims}, {@code completions}): its metrics' {@code kind}
     * @param run does a batch's work in one transaction and, once it has committed, answers each
     *            request, in order
     */
    GroupCommit(String name, int maxBatch, Function<Q, Object> key, Function<List<Q>, Uni<List<A>>> run,
                MeterRegistry metrics) {
        this.name = name;
        this.maxBatch = maxBatch;
        this.key = key;
        this.run = run;
        this.batchSize = DistributionSummary.builder("agentyard.group_commit.batch_size").tag("kind", name)
                .description("Requests merged into each group-committed batch")
                .serviceLevelObjectives(BATCH_SIZES).register(metrics);
        this.waited = Timer.builder("agentyard.group_commit.wait").tag("kind", name)
                .description("Time a group-committed request waited before its batch started")
                .serviceLevelObjectives(WAITS).register(metrics);
        this.duration = Timer.builder("agentyard.group_commit.duration").tag("kind", name)
                .description("Time a group-committed batch took, from its start until it was answered")
                .serviceLevelObjectives(WAITS).register(metrics);
    }

    /** Answers {@code request} once the batch it went in has committed, on the caller's Vert.x context. */
    Uni<A> submit(Q request) {
        return Uni.createFrom().deferred(() -> submitAll(List.of(request), Vertx.currentContext()).get(0));
    }

    /**
     * {@link #submit(Object)} from any thread: answers on {@code context} (none: on the thread that
     * completes the batch).
     */
    Uni<A> submit(Q request, Context context) {
        return Uni.createFrom().deferred(() -> submitAll(List.of(request), context).get(0));
    }

    /**
     * Submits {@code requests} at once, so they go in the same batch (as many as it takes, oldest
     * first, when there are more than one batch holds); answers each, in order, as {@link #submit}.
     */
    List<Uni<A>> submitAll(List<Q> requests) {
        return submitAll(requests, Vertx.currentContext());
    }

    private List<Uni<A>> submitAll(List<Q> requests, Context caller) {
        long now = System.nanoTime();
        List<Waiting<Q, A>> waiting = requests.stream()
                .map(request -> new Waiting<Q, A>(request, new CompletableFuture<>(), caller, now)).toList();
        enqueue(waiting);
        return waiting.stream().map(w -> Uni.createFrom().completionStage(w.answer())).toList();
    }

    private void enqueue(List<Waiting<Q, A>> requests) {
        boolean start;
        synchronized (this) {
            queue.addAll(requests);
            start = !running;
            running = true;
        }
        if (start) {
            runNext();
        }
    }

    private void runNext() {
        List<Waiting<Q, A>> batch = nextBatch();
        if (batch.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        batchSize.record(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            waited.record(start - batch.get(i).since(), TimeUnit.NANOSECONDS);
        }
        List<Q> requests = batch.stream().map(Waiting::request).toList();
        run.apply(requests)
                .onFailure(GroupCommit::deadlocked).retry().atMost(2)
                .onTermination().invoke(() -> duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS))
                .subscribe().with(answers -> {
                    for (int i = 0; i < batch.size(); i++) {
                        A answer = answers.get(i);
                        Waiting<Q, A> waiting = batch.get(i);
                        on(waiting, () -> waiting.answer().complete(answer));
                    }
                    runNext();
                }, failure -> {
                    LOG.debugf("A batch of %d %s failed: %s", batch.size(), name, failure.getMessage());
                    batch.forEach(waiting -> on(waiting, () -> waiting.answer().completeExceptionally(failure)));
                    runNext();
                });
    }

    /** Up to maxBatch waiting requests, oldest first, one per key; none (and not running) when nothing waits. */
    private synchronized List<Waiting<Q, A>> nextBatch() {
        List<Waiting<Q, A>> batch = new ArrayList<>();
        Set<Object> keys = new HashSet<>();
        for (Iterator<Waiting<Q, A>> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
            Waiting<Q, A> waiting = it.next();
            if (keys.add(key.apply(waiting.request()))) {
                batch.add(waiting);
                it.remove();
            }
        }
        running = !batch.isEmpty();
        return batch;
    }

    private static void on(Waiting<?, ?> waiting, Runnable action) {
        if (waiting.context() == null) {
            action.run();
        } else {
            waiting.context().runOnContext(ignored -> action.run());
        }
    }

    private static boolean deadlocked(Throwable failure) {
        return failure instanceof PgException pg && DEADLOCK.equals(pg.getSqlState());
    }
}
