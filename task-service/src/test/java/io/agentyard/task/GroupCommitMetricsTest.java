package io.agentyard.task;

import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.task;
import static io.restassured.RestAssured.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The group commit's metrics, read from {@code /q/metrics}: every claim and completion counted
 * once in {@code agentyard_group_commit_batch_size{kind}} (its sum is the requests handled), each
 * batch timed in {@code agentyard_group_commit_duration_seconds{kind}}, and requests that arrive
 * while a batch is in the database merged into the next. A batch is held in the database by a row
 * lock this test takes (the first request's worker, or its order), so the others queue behind it
 * for sure. Uses a queue of its own.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class GroupCommitMetricsTest {

    private static final int CONCURRENT = 8;
    private static final String QUEUE = "group_commit";
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    @Inject
    TaskApi api;

    final String owner = TestTokens.developer(UUID.randomUUID());
    final ExecutorService clients = Executors.newCachedThreadPool();

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    @Test
    void concurrentClaimsAndCompletionsAreCountedOnceAndMergedIntoFewerBatches() throws Exception {
        api.emptyQueue(QUEUE);
        List<UUID> workerIds = new ArrayList<>();
        List<String> workers = new ArrayList<>();
        for (int i = 0; i <= CONCURRENT; i++) {
            UUID id = UUID.randomUUID();
            workerIds.add(id);
            workers.add(api.worker(id, QUEUE, 1));
        }
        for (int i = 0; i <= CONCURRENT; i++) {
            String taskId = create(owner, task("docs", "autonomous"));
            api.execute("update task.work_orders set queue_name = '" + QUEUE + "' where task_id = '" + taskId + "'");
        }

        // claims: the first worker's row locked here holds its batch in the database
        Batches claimsBefore = batches("claims");
        List<Future<List<Map<String, Object>>>> claims = heldBehindALock(
                "select id from task.workers where id = '" + workerIds.get(0) + "' for update", "claims",
                workers.stream().<Callable<List<Map<String, Object>>>>map(
                        worker -> () -> api.claim(worker, List.of(QUEUE), 1, 0)).toList());
        List<Map<String, Object>> orders = new ArrayList<>();
        for (Future<List<Map<String, Object>>> claim : claims) {
            List<Map<String, Object>> got = claim.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(1, got.size(), "every worker got an order");
            orders.add(got.get(0));
        }
        assertMerged("claims", claimsBefore, batches("claims"), CONCURRENT + 1);

        // completions: the first order's row locked here holds its batch in the database
        Batches completionsBefore = batches("completions");
        List<Callable<Integer>> completes = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            Map<String, Object> order = orders.get(i);
            String worker = workers.get(i);
            completes.add(() -> as(worker).body(Map.of("attempt", order.get("attempt"), "exitCode", 0))
                    .post("/api/work-orders/" + order.get("id") + "/complete").then().extract().statusCode());
        }
        List<Future<Integer>> completed = heldBehindALock(
                "select id from task.work_orders where id = '" + orders.get(0).get("id") + "' for update",
                "completions", completes);
        for (Future<Integer> complete : completed) {
            assertEquals(200, complete.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS));
        }
        assertMerged("completions", completionsBefore, batches("completions"), CONCURRENT + 1);

        String metrics = when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String kind : List.of("claims", "completions")) {
            for (String le : List.of("1.0", "2.0", "4.0", "8.0", "16.0", "32.0", "64.0", "+Inf")) {
                assertTrue(metrics.contains("agentyard_group_commit_batch_size_bucket{kind=\"" + kind + "\",le=\"" + le + "\""),
                        "a batch size bucket le=" + le + " for " + kind);
            }
        }
    }

    /**
     * Runs {@code requests[0]} while this test holds {@code lock} (so its batch stays in the
     * database), then the others, which queue behind it; lets go once they have been sent.
     */
    private <T> List<Future<T>> heldBehindALock(String lock, String kind, List<Callable<T>> requests) throws Exception {
        List<Future<T>> answers = new ArrayList<>();
        try (var holder = api.connection()) {
            holder.setAutoCommit(false);
            try (var statement = holder.createStatement()) {
                statement.execute(lock);
            }
            double started = batches(kind).count();
            answers.add(clients.submit(requests.get(0)));
            Eventually.await(PROMPTLY, "the first " + kind + " batch started", () -> batches(kind).count() > started);
            for (Callable<T> request : requests.subList(1, requests.size())) {
                answers.add(clients.submit(request));
            }
            Thread.sleep(1000);
            assertFalse(answers.stream().anyMatch(Future::isDone), "all wait for the locked batch");
            holder.commit();
        }
        return answers;
    }

    /** Every request counted once; fewer batches than requests: at least one batch merged several. */
    private static void assertMerged(String kind, Batches before, Batches after, int requests) {
        assertEquals(requests, after.sum() - before.sum(), 0.0, kind + ": batch sizes add up to the requests");
        double batches = after.count() - before.count();
        assertTrue(batches >= 2 && batches < requests, kind + ": " + requests + " requests in " + batches + " batches");
        assertEquals(batches, after.durations() - before.durations(), 0.0, kind + ": each batch timed");
        // the locked batch took about the second the test held its lock
        assertTrue(after.took() - before.took() >= 0.5, kind + ": batches took " + (after.took() - before.took()) + " s");
        assertEquals(requests, after.waits() - before.waits(), 0.0, kind + ": each request's wait timed");
        // the queued ones waited for the locked batch, about a second
        assertTrue(after.waited() - before.waited() >= 0.5, kind + ": waited " + (after.waited() - before.waited()) + " s");
    }

    /**
     * The group commit's figures for {@code kind}: batches, requests in them, requests timed and
     * their wait, batches timed and their time.
     */
    private record Batches(double count, double sum, double waits, double waited, double durations, double took) {
    }

    private static Batches batches(String kind) {
        String metrics = when().get("/q/metrics").then().statusCode(200).extract().asString();
        return new Batches(sample(metrics, "agentyard_group_commit_batch_size_count", kind),
                sample(metrics, "agentyard_group_commit_batch_size_sum", kind),
                sample(metrics, "agentyard_group_commit_wait_seconds_count", kind),
                sample(metrics, "agentyard_group_commit_wait_seconds_sum", kind),
                sample(metrics, "agentyard_group_commit_duration_seconds_count", kind),
                sample(metrics, "agentyard_group_commit_duration_seconds_sum", kind));
    }

    /** The value of Prometheus sample {@code name{kind="…"}}; 0 before the meter exists (its service's first request). */
    private static double sample(String metrics, String name, String kind) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*kind=\"" + Pattern.quote(kind)
                + "\"[^}]*\\}\\s+(\\S+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
