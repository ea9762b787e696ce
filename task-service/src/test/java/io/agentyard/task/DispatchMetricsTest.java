package io.agentyard.task;

import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.Metrics;
import io.agentyard.shared.testing.TestTokens;
import io.agentyard.task.dispatch.DispatchMetrics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Dispatch's metrics move with what happens, read from {@code /q/metrics}: queue depth and the
 * oldest order's age rise with filed tasks and fall with claims, each claim records its wait, and
 * a lease expiry, a retry, a failure and a dead letter are each counted once. Each test has a queue
 * of its own; counters are shared by the run's tests, so they are compared before and after. The
 * queue round is called directly rather than waited for.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class DispatchMetricsTest {

    @Inject
    TaskApi api;

    @Inject
    DispatchMetrics metrics;

    final String owner = TestTokens.developer(UUID.randomUUID());

    @Test
    void queueDepthRisesWithFiledTasksAndFallsWithClaimsWhichRecordTheirWait() {
        String queue = "metrics_depth";
        for (int i = 0; i < 3; i++) {
            String taskId = create(owner, task("docs", "autonomous"));
            // on a queue of its own, available for two minutes already: an age and a wait to measure
            api.execute("update task.work_orders set queue_name = '" + queue + "', available_at = now() - interval"
                    + " '2 minutes' where task_id = '" + taskId + "'");
        }
        Map<String, String> ready = Map.of("queue", queue, "state", "ready");
        Map<String, String> ofQueue = Map.of("queue", queue);
        refresh();
        Metrics before = Metrics.scrape();
        assertEquals(3, before.value("agentyard_queue_depth", ready));
        assertEquals(0, before.value("agentyard_queue_depth", Map.of("queue", queue, "state", "delayed")));
        double age = before.value("agentyard_queue_oldest_age_seconds", ofQueue);
        assertTrue(age >= 120 && age < 180, "the oldest order waits two minutes: " + age);

        String worker = api.worker(UUID.randomUUID(), queue, 3);
        assertEquals(2, api.claim(worker, List.of(queue), 2, 0).size());
        Metrics claimed = Metrics.scrape();
        assertEquals(2, claimed.value("agentyard_work_orders_claimed_total", ofQueue));
        assertEquals(2, claimed.value("agentyard_claim_wait_seconds_count", ofQueue));
        double waited = claimed.value("agentyard_claim_wait_seconds_sum", ofQueue);
        assertTrue(waited >= 240 && waited < 360, "each waited two minutes: " + waited);
        // the buckets place them between one minute and five
        assertEquals(0, claimed.value("agentyard_claim_wait_seconds_bucket", Map.of("queue", queue, "le", "60.0")));
        assertEquals(2, claimed.value("agentyard_claim_wait_seconds_bucket", Map.of("queue", queue, "le", "300.0")));
        assertTrue(claimed.families().get("agentyard_claim_wait_seconds").help().contains("available"));
        refresh();
        assertEquals(1, Metrics.now("agentyard_queue_depth", ready));

        assertEquals(1, api.claim(worker, List.of(queue), 1, 0).size());
        refresh();
        Metrics drained = Metrics.scrape();
        assertEquals(0, drained.value("agentyard_queue_depth", ready));
        assertEquals(0, drained.value("agentyard_queue_oldest_age_seconds", ofQueue));
        assertEquals(3, drained.value("agentyard_work_orders_claimed_total", ofQueue));
    }

    @Test
    void aLeaseExpiryARetryAFailureAndADeadLetterAreEachCountedOnce() {
        String queue = "metrics_ends";
        Map<String, String> ofQueue = Map.of("queue", queue);
        String taskId = create(owner, task("docs", "autonomous"));
        // one retry, and a first attempt whose lease runs out after a second
        api.execute("update task.work_orders set queue_name = '" + queue + "', max_retries = 1, timeout_seconds = 1"
                + " where task_id = '" + taskId + "'");
        String worker = api.worker(UUID.randomUUID(), queue, 1);
        assertEquals(1, api.claim(worker, List.of(queue), 1, 0).size());

        Eventually.await(Duration.ofSeconds(15), "the lease expired and the order was retried",
                () -> Metrics.now("agentyard_work_orders_retried_total", ofQueue) == 1);
        Metrics expired = Metrics.scrape();
        assertEquals(1, expired.value("agentyard_work_orders_lease_expired_total", ofQueue));
        assertEquals(0, expired.value("agentyard_work_orders_dead_lettered_total", ofQueue));

        // the second attempt has time: it is failed by its worker, not by its lease
        api.execute("update task.work_orders set timeout_seconds = 600 where task_id = '" + taskId + "'");
        List<Map<String, Object>> again = new java.util.ArrayList<>();
        Eventually.await(Duration.ofSeconds(10), "the order claimed again after its backoff", () -> {
            again.addAll(api.claim(worker, List.of(queue), 1, 0));
            return !again.isEmpty();
        });
        Map<String, Object> order = again.get(0);
        as(worker).body(Map.of("attempt", order.get("attempt"), "error", "tests fail")).post("/api/work-orders/"
                + order.get("id") + "/fail").then().statusCode(200);

        Metrics failed = Metrics.scrape();
        assertEquals(1, failed.value("agentyard_work_orders_failed_total", ofQueue));
        assertEquals(1, failed.value("agentyard_work_orders_dead_lettered_total", ofQueue), "retries exhausted");
        assertEquals(1, failed.value("agentyard_work_orders_retried_total", ofQueue));
        assertEquals(1, failed.value("agentyard_work_orders_lease_expired_total", ofQueue));
        assertEquals(2, failed.value("agentyard_work_orders_claimed_total", ofQueue));
    }

    @Test
    void completionsAreCounted() {
        String queue = "metrics_done";
        String taskId = create(owner, task("docs", "autonomous"));
        api.execute("update task.work_orders set queue_name = '" + queue + "' where task_id = '" + taskId + "'");
        String worker = api.worker(UUID.randomUUID(), queue, 1);
        Map<String, Object> order = api.claim(worker, List.of(queue), 1, 0).get(0);
        as(worker).body(Map.of("attempt", order.get("attempt"), "exitCode", 0)).post("/api/work-orders/"
                + order.get("id") + "/complete").then().statusCode(200);
        // a repeated completion is answered as the first, and not counted again
        as(worker).body(Map.of("attempt", order.get("attempt"), "exitCode", 0)).post("/api/work-orders/"
                + order.get("id") + "/complete").then().statusCode(200);
        assertEquals(1, Metrics.now("agentyard_work_orders_completed_total", Map.of("queue", queue)));
    }

    private void refresh() {
        metrics.refresh().await().atMost(Duration.ofSeconds(10));
    }
}
