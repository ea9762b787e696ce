package io.agentyard.task;

import static io.agentyard.task.TaskApi.PROBLEM;
import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.status;
import static io.agentyard.task.TaskApi.task;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.agentyard.shared.events.AgentEvents;
import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventJson;
import io.agentyard.shared.events.EventsConfig;
import io.agentyard.shared.events.Uuids;
import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.agentyard.task.config.TaskServiceConfig;
import io.agentyard.task.dispatch.DispatchRounds;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Leases: a killed claimer's order comes back; worker.offline ends leases; no order goes to two claimers. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class LeasesTest {

    @Inject
    TaskApi api;

    @Inject
    DispatchRounds rounds;

    @Inject
    TaskServiceConfig config;

    @Inject
    RedisDataSource redis;

    @Inject
    EventsConfig events;

    final String owner = TestTokens.developer(UUID.randomUUID());

    @Test
    void aKilledClaimersOrderComesBackAfterItsLease() {
        api.emptyQueue("test");
        String taskId = create(owner, task("test", "autonomous"));
        api.execute("update task.work_orders set timeout_seconds = 1 where task_id = '" + taskId + "'");
        String crashed = api.worker(UUID.randomUUID(), "test", 1);
        Map<String, Object> first = api.claim(crashed, List.of("test"), 1, 0).get(0);
        // the claimer dies: no heartbeat, no completion

        String survivor = api.worker(UUID.randomUUID(), "test", 1);
        List<Map<String, Object>> again = new ArrayList<>();
        Eventually.await(Duration.ofSeconds(15), "the order back on the queue and claimed again", () -> {
            again.addAll(api.claim(survivor, List.of("test"), 1, 1));
            return !again.isEmpty();
        });
        assertEquals(first.get("id"), again.get(0).get("id"));
        assertEquals(2, again.get(0).get("attempt"));
        assertEquals(1, api.count("select count(*) from task.worker_assignments where execution_id = '"
                + first.get("executionId") + "' and status = 'timeout'"));
        // the stale holder is told its lease is gone (409), a worker that never held it is refused (403)
        as(crashed).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + first.get("id") + "/complete")
                .then().statusCode(409).contentType(PROBLEM);
        as(crashed).body(Map.of("attempt", 1)).post("/api/work-orders/" + first.get("id") + "/heartbeat")
                .then().statusCode(409);
        as(crashed).body(Map.of("attempt", 1, "error", "late")).post("/api/work-orders/" + first.get("id") + "/fail")
                .then().statusCode(409);
        String stranger = api.worker(UUID.randomUUID(), "test", 1);
        as(stranger).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + first.get("id") + "/complete")
                .then().statusCode(403);
        as(stranger).body(Map.of("attempt", 1)).post("/api/work-orders/" + first.get("id") + "/heartbeat")
                .then().statusCode(403);
        // the survivor holds attempt 2: presenting attempt 1 is not presenting its own
        as(survivor).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + first.get("id") + "/complete")
                .then().statusCode(403);
        as(survivor).body(Map.of("attempt", 2, "exitCode", 0)).post("/api/work-orders/" + first.get("id") + "/complete")
                .then().statusCode(200);
        assertEquals("completed", status(owner, taskId));
    }

    @Test
    void aLeaseLastsOneIntervalAndTheAttemptsTimeComesFromTheTaskElseTheWorkerElseTheDefault() {
        api.emptyQueue("bugfix");
        UUID workerId = UUID.randomUUID();
        String worker = api.worker(workerId, "bugfix", 1);
        Map<String, Object> withTimeout = task("bugfix", "autonomous");
        withTimeout.put("timeoutSeconds", 3 * 3600);
        String taskId = create(owner, withTimeout);
        as(owner).get("/api/tasks/" + taskId).then().body("timeoutSeconds", is(3 * 3600));

        Map<String, Object> order = api.claim(worker, List.of("bugfix"), 1, 0).get(0);
        Map<String, Object> read = as(worker).get("/api/work-orders/" + order.get("id")).then().statusCode(200)
                .extract().jsonPath().getMap("$");
        Instant claimedAt = Instant.parse((String) read.get("claimedAt"));
        // a worker that never heartbeats loses the order after one lease interval, not after the timeout
        long interval = config.leaseInterval().toSeconds();
        assertSeconds(interval, claimedAt, read.get("expiresAt"));
        assertSeconds(3 * 3600, claimedAt, read.get("deadlineAt"));
        Instant beat = Instant.now();
        String extended = as(worker).body(Map.of("attempt", 1)).post("/api/work-orders/" + order.get("id")
                + "/heartbeat").then().statusCode(200).body("cancelled", is(false)).extract().path("expiresAt");
        assertSeconds(interval, beat, extended);

        // no timeout on the task: the worker's; neither: task-service's default (1 hour)
        api.execute("update task.workers set timeout_seconds = 2 * 3600 where id = '" + workerId + "'");
        as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + order.get("id") + "/complete")
                .then().statusCode(200);
        create(owner, task("bugfix", "autonomous"));
        Map<String, Object> second = api.claim(worker, List.of("bugfix"), 1, 0).get(0);
        assertSeconds(2 * 3600, Instant.parse((String) as(worker).get("/api/work-orders/" + second.get("id")).then()
                .extract().path("claimedAt")), as(worker).get("/api/work-orders/" + second.get("id")).then()
                .extract().path("deadlineAt"));
        as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + second.get("id") + "/complete")
                .then().statusCode(200);
        api.execute("update task.workers set timeout_seconds = null where id = '" + workerId + "'");
        create(owner, task("bugfix", "autonomous"));
        Map<String, Object> third = api.claim(worker, List.of("bugfix"), 1, 0).get(0);
        Map<String, Object> thirdRead = as(worker).get("/api/work-orders/" + third.get("id")).then().extract()
                .jsonPath().getMap("$");
        assertSeconds(3600, Instant.parse((String) thirdRead.get("claimedAt")), thirdRead.get("deadlineAt"));

        // a timeout shorter than the lease interval bounds the lease too
        as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + third.get("id") + "/complete")
                .then().statusCode(200);
        Map<String, Object> brief = task("bugfix", "autonomous");
        brief.put("timeoutSeconds", 20);
        create(owner, brief);
        Map<String, Object> fourth = api.claim(worker, List.of("bugfix"), 1, 0).get(0);
        Map<String, Object> fourthRead = as(worker).get("/api/work-orders/" + fourth.get("id")).then().extract()
                .jsonPath().getMap("$");
        assertSeconds(20, Instant.parse((String) fourthRead.get("claimedAt")), fourthRead.get("expiresAt"));
        as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + fourth.get("id") + "/complete")
                .then().statusCode(200);
        as(owner).body(Map.of("title", "t", "taskType", "bugfix", "permissionLevel", "autonomous",
                "timeoutSeconds", 0)).post("/api/tasks").then().statusCode(400).contentType(PROBLEM);
    }

    private static void assertSeconds(long expected, Instant from, Object to) {
        long seconds = Duration.between(from, Instant.parse((String) to)).toSeconds();
        assertTrue(Math.abs(seconds - expected) <= 3, "expected about " + expected + " s, got " + seconds);
    }

    @Test
    void aHolderOfAnEndedAttemptIsRefusedEvenWhileItHoldsTheNextOne() {
        api.emptyQueue("refactor");
        Map<String, Object> brief = task("refactor", "autonomous");
        brief.put("timeoutSeconds", 1);
        String taskId = create(owner, brief);
        String worker = api.worker(UUID.randomUUID(), "refactor", 2);
        Map<String, Object> first = api.claim(worker, List.of("refactor"), 1, 0).get(0);
        assertEquals(1, first.get("attempt"));
        Eventually.await(Duration.ofSeconds(10), "the lease expired and the order claimed again", () -> {
            rounds.reapLeasesNow().await().atMost(Duration.ofSeconds(5));
            return api.count("select count(*) from task.work_orders where task_id = '" + taskId
                    + "' and status = 'pending'") == 1;
        });
        List<Map<String, Object>> again = new ArrayList<>();
        Eventually.await(Duration.ofSeconds(10), "claimed again after the backoff", () -> {
            again.addAll(api.claim(worker, List.of("refactor"), 1, 1));
            return !again.isEmpty();
        });
        assertEquals(first.get("id"), again.get(0).get("id"));
        assertEquals(2, again.get(0).get("attempt"));
        String id = (String) first.get("id");
        // attempt 1's late report must not count as attempt 2's, though the same worker holds both
        as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + id + "/complete")
                .then().statusCode(409).contentType(PROBLEM).body("detail", containsString("attempt 2"));
        as(worker).body(Map.of("attempt", 1)).post("/api/work-orders/" + id + "/heartbeat").then().statusCode(409);
        as(worker).body(Map.of("attempt", 1, "error", "late")).post("/api/work-orders/" + id + "/fail")
                .then().statusCode(409);
        as(worker).body(Map.of("attempt", 3)).post("/api/work-orders/" + id + "/heartbeat").then().statusCode(403);
        as(worker).body(Map.of()).post("/api/work-orders/" + id + "/heartbeat").then().statusCode(400);
        as(worker).body(Map.of("exitCode", 0)).post("/api/work-orders/" + id + "/complete").then().statusCode(400);
        assertEquals("in_progress", status(owner, taskId));
    }

    @Test
    void aWorkerThatIsNotHeartbeatingMayNotClaimUntilItDoes() {
        api.emptyQueue("review");
        create(owner, task("review", "autonomous"));
        UUID workerId = UUID.randomUUID();
        String worker = api.worker(workerId, "review", 1);
        api.execute("update task.workers set status = 'offline' where id = '" + workerId + "'");
        as(worker).body(Map.of("queues", List.of("review"), "max", 1)).post("/api/work-orders/claim")
                .then().statusCode(409).contentType(PROBLEM).body("detail", containsString("heartbeat"));
        api.execute("update task.workers set status = 'error' where id = '" + workerId + "'");
        as(worker).body(Map.of("queues", List.of("review"), "max", 1)).post("/api/work-orders/claim")
                .then().statusCode(409);
        assertEquals(1, api.count("select count(*) from task.work_orders where queue_name = 'review'"
                + " and status = 'pending'"), "nothing was claimed");
        api.execute("update task.workers set status = 'idle' where id = '" + workerId + "'");
        assertEquals(1, api.claim(worker, List.of("review"), 1, 0).size());
        as(TestTokens.worker(UUID.randomUUID())).body(Map.of("queues", List.of("review"), "max", 1))
                .post("/api/work-orders/claim").then().statusCode(403);
    }

    @Test
    void aWorkerGoingOfflineLosesItsLeasesAtOnce() {
        api.emptyQueue("docs");
        String taskId = create(owner, task("docs", "autonomous"));
        UUID workerId = UUID.randomUUID();
        String worker = api.worker(workerId, "docs", 1);
        String orderId = (String) api.claim(worker, List.of("docs"), 1, 0).get(0).get("id");

        EventEnvelope offline = new EventEnvelope(Uuids.timeOrdered(), AgentEvents.WORKER_OFFLINE, AgentEvents.SOURCE,
                workerId.toString(), Instant.now(), 1, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                JsonNodeFactory.instance.objectNode().put("workerId", workerId.toString()));
        redis.stream(String.class).xadd(events.streamOf(AgentEvents.SOURCE),
                Map.of("type", offline.type(), "envelope", EventJson.write(offline)));

        Eventually.await(Duration.ofSeconds(10), "the lease ended", () -> api.count(
                "select count(*) from task.work_orders where id = '" + orderId + "' and status = 'pending'"
                        + " and retry_count = 1") == 1);
        assertEquals("queued", status(owner, taskId));
        assertEquals(1, api.count("select count(*) from task.workers where id = '" + workerId
                + "' and status = 'offline'"));
        as(worker).body(Map.of("attempt", 1)).post("/api/work-orders/" + orderId + "/heartbeat").then().statusCode(409);
    }

    @Test
    void thirtyTwoConcurrentClaimersOverTwoThousandOrdersNeverShareOne() throws Exception {
        String queue = "feature";
        api.emptyQueue("feature");
        int orders = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> filing = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                filing.add(pool.submit(() -> create(owner, task(queue, "autonomous"))));
            }
            for (Future<?> f : filing) {
                f.get(60, TimeUnit.SECONDS);
            }
            List<String> claimedIds = Collections.synchronizedList(new ArrayList<>());
            Set<String> executions = ConcurrentHashMap.newKeySet();
            List<Future<?>> claimers = new ArrayList<>();
            for (int c = 0; c < 32; c++) {
                String worker = api.worker(UUID.randomUUID(), queue, 10);
                claimers.add(pool.submit(() -> {
                    int emptyInARow = 0;
                    while (emptyInARow < 3) {
                        List<Map<String, Object>> batch = api.claim(worker, List.of(queue), 5, 0);
                        emptyInARow = batch.isEmpty() ? emptyInARow + 1 : 0;
                        for (Map<String, Object> order : batch) {
                            claimedIds.add((String) order.get("id"));
                            executions.add((String) order.get("executionId"));
                            as(worker).body(Map.of("attempt", 1, "exitCode", 0)).post("/api/work-orders/" + order.get("id")
                                    + "/complete").then().statusCode(200);
                        }
                    }
                }));
            }
            for (Future<?> f : claimers) {
                f.get(240, TimeUnit.SECONDS);
            }
            assertEquals(orders, claimedIds.size(), "every order claimed once");
            assertEquals(orders, Set.copyOf(claimedIds).size(), "no order claimed twice");
            assertEquals(orders, executions.size());
            assertEquals(0, api.count("select count(*) from task.work_orders where queue_name = 'feature'"
                    + " and status in ('pending', 'claimed')"));
        } finally {
            pool.shutdownNow();
        }
    }
}
