package io.agentyard.task.dispatch;

import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agentyard.shared.events.EventsConfig;
import io.agentyard.shared.events.Wakeups;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.agentyard.task.TaskApi;
import io.agentyard.task.config.TaskServiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Long-polling claims are woken one per order that arrives, on any replica, and otherwise cost
 * nothing but one fallback poll per replica. The test profile polls every 5 s (give or take 20 %),
 * so an answer within 2.5 s comes from a wake-up, not from the poll. Each test uses a queue of its
 * own and ends its claims before it returns.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class ClaimWakeupsTest {

    private static final Duration PROMPTLY = Duration.ofMillis(2500);

    @Inject
    TaskApi api;
    @Inject
    MeterRegistry metrics;
    @Inject
    Wakeups wakeups;
    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    TaskServiceConfig config;
    @Inject
    EventsConfig events;

    final String owner = TestTokens.developer(UUID.randomUUID());
    final ExecutorService claimers = Executors.newCachedThreadPool();

    @AfterEach
    void stopClaimers() {
        claimers.shutdownNow();
    }

    @Test
    void kOrdersWakeExactlyKOfTheWaitingClaimers() throws Exception {
        String queue = "review";
        api.emptyQueue(queue);
        List<Future<List<Map<String, Object>>>> claims = waitingClaims(queue, 6, 20);
        double local = wakeups("local");

        create(owner, task(queue, "autonomous"));
        create(owner, task(queue, "autonomous"));

        Eventually.await(PROMPTLY, "two claims answered", () -> answered(claims) == 2);
        Thread.sleep(1000);
        assertEquals(2, answered(claims), "the other four still wait: no empty early answers");
        assertEquals(2, wakeups("local") - local, "two orders, two claimers woken, not six");

        for (int i = 0; i < 4; i++) {
            create(owner, task(queue, "autonomous"));
        }
        for (Future<List<Map<String, Object>>> claim : claims) {
            assertEquals(1, claim.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS).size(), "every claim got an order");
        }
    }

    @Test
    void anotherReplicaWakesItsOwnClaimersFirstThenTheRemainderHere() throws Exception {
        String queue = "wake_remote";
        List<String> tasks = unannouncedOrders(queue, 3);
        List<Future<List<Map<String, Object>>>> claims = waitingClaims(queue, 5, 10);
        // just after a fallback poll, the next is at least 4 s away: what follows is the announcement's doing
        afterAPoll();
        double remote = wakeups("remote");
        double polled = wakeups("poll");
        makeAvailable(tasks);
        ClaimWaiters otherReplica = new ClaimWaiters(wakeups, redis, pool, vertx, config, events,
                new SimpleMeterRegistry());
        CompletableFuture<Void> waitingThere = otherReplica.await(List.of(queue), Duration.ofSeconds(20))
                .subscribeAsCompletionStage();

        otherReplica.announce(queue, 3).await().atMost(Duration.ofSeconds(5));

        assertTrue(waitingThere.isDone(), "the announcing replica wakes its own waiter first");
        Eventually.await(PROMPTLY, "the remaining two woken here", () -> answered(claims) == 2);
        api.emptyQueue(queue); // the order the other replica's (pretend) claimer left, before the next poll
        Thread.sleep(1000);
        assertEquals(2, answered(claims), "three orders, one claimer woken there and two here, not five");
        assertEquals(2, wakeups("remote") - remote);
        assertEquals(0, wakeups("poll") - polled);

        int got = 0;
        for (Future<List<Map<String, Object>>> claim : claims) {
            got += claim.get(20, TimeUnit.SECONDS).size();
        }
        assertEquals(2, got, "the other three end empty when their wait ends");
    }

    @Test
    void theFallbackPollWakesClaimersForOrdersNobodyAnnounced() throws Exception {
        String queue = "wake_poll";
        List<String> tasks = unannouncedOrders(queue, 1);
        List<Future<List<Map<String, Object>>>> claims = waitingClaims(queue, 3, 14);
        double polled = wakeups("poll");
        double announced = wakeups("local") + wakeups("remote");

        makeAvailable(tasks); // as when a retry's backoff ends: nobody announces it
        long since = System.nanoTime();

        Eventually.await(config.claimPollInterval().multipliedBy(2), "one claim answered", () -> answered(claims) == 1);
        long took = (System.nanoTime() - since) / 1_000_000;
        assertTrue(took < config.claimPollInterval().toMillis() * 1.2 + 1000, "within a poll interval: " + took + " ms");
        Thread.sleep(1000);
        assertEquals(1, answered(claims), "one order, one claimer woken");
        assertEquals(1, wakeups("poll") - polled);
        assertEquals(0, wakeups("local") + wakeups("remote") - announced);

        int got = 0;
        for (Future<List<Map<String, Object>>> claim : claims) {
            got += claim.get(20, TimeUnit.SECONDS).size();
        }
        assertEquals(1, got, "the other two end empty when their wait ends");
    }

    @Test
    void idleClaimersCostOnePollPerIntervalAndNothingOnceNobodyWaits() throws Exception {
        Eventually.await(Duration.ofSeconds(40), "no claims waiting", () -> waiters() == 0);
        double polls = polls();
        Thread.sleep(config.claimPollInterval().multipliedBy(14).dividedBy(10).toMillis());
        assertEquals(0, polls() - polls, "nobody waits: no poll");

        double woken = wakeups("local") + wakeups("remote") + wakeups("poll");
        long since = System.nanoTime();
        List<Future<List<Map<String, Object>>>> claims = waitingClaims("wake_idle", 20, 12);
        for (Future<List<Map<String, Object>>> claim : claims) {
            assertEquals(List.of(), claim.get(30, TimeUnit.SECONDS));
        }
        long waited = (System.nanoTime() - since) / 1_000_000;
        assertTrue(waited >= 11_500, "every claim waited its 12 s: " + waited + " ms");
        assertEquals(0, wakeups("local") + wakeups("remote") + wakeups("poll") - woken,
                "nothing woke them, so none of them ran its claim again");
        double polled = polls() - polls;
        // one query every 4-6 s for all twenty, where each claim used to poll every interval
        assertTrue(polled >= 1 && polled <= 3, "fallback polls while twenty claims waited 12 s: " + polled);
        Thread.sleep(config.claimPollInterval().multipliedBy(14).dividedBy(10).toMillis());
        assertEquals(polled, polls() - polls, "nobody waits any more: no further poll");
    }

    /** {@code count} claims of workers of their own on {@code queue}, each waiting up to {@code waitSeconds}. */
    private List<Future<List<Map<String, Object>>>> waitingClaims(String queue, int count, int waitSeconds) {
        double before = waiters();
        List<Future<List<Map<String, Object>>>> claims = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String worker = api.worker(UUID.randomUUID(), queue, 1);
            claims.add(claimers.submit(() -> api.claim(worker, List.of(queue), 1, waitSeconds)));
        }
        Eventually.await(Duration.ofSeconds(10), count + " claims waiting", () -> waiters() >= before + count);
        return claims;
    }

    /**
     * Orders moved to {@code queue} (from their task type's queue) that are not available yet, as in
     * a retry's backoff; returns their tasks' ids.
     */
    private List<String> unannouncedOrders(String queue, int count) {
        List<String> taskIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String taskId = create(owner, task("docs", "autonomous"));
            api.execute("update task.work_orders set queue_name = '" + queue + "', available_at = now() + interval"
                    + " '1 hour' where task_id = '" + taskId + "'");
            taskIds.add(taskId);
        }
        return taskIds;
    }

    /** The orders of these tasks become available, without an announcement. */
    private void makeAvailable(List<String> taskIds) {
        api.execute("update task.work_orders set available_at = now() where task_id in ('"
                + String.join("', '", taskIds) + "')");
    }

    private void afterAPoll() {
        double polls = polls();
        Eventually.await(config.claimPollInterval().multipliedBy(2), "a fallback poll", () -> polls() > polls);
    }

    private static long answered(List<Future<List<Map<String, Object>>>> claims) {
        return claims.stream().filter(Future::isDone).count();
    }

    private double wakeups(String by) {
        return metrics.get("agentyard.claim.wakeups").tag("by", by).counter().count();
    }

    private double polls() {
        return metrics.get("agentyard.claim.polls").counter().count();
    }

    private double waiters() {
        return metrics.get("agentyard.claim.waiters").gauge().value();
    }
}
