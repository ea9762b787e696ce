package io.agentyard.execution;

import static io.agentyard.execution.ExecutionApi.PROBLEM;
import static io.agentyard.execution.ExecutionApi.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Logs arrive in batches from the worker holding the run, numbered without gaps, stored once. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class LogsTest {

    @Inject
    ExecutionApi api;

    final UUID ownerId = UUID.randomUUID();
    final String owner = TestTokens.developer(ownerId);

    static Map<String, Object> batch(int lines, String prefix) {
        List<Map<String, Object>> body = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            Map<String, Object> line = new HashMap<>();
            line.put("level", i % 10 == 9 ? "ERROR" : "INFO");
            line.put("message", prefix + " line " + i);
            if (i % 2 == 0) {
                line.put("metadata", Map.of("i", i));
            }
            body.add(line);
        }
        return Map.of("lines", body);
    }

    String path(ExecutionApi.Run run) {
        return "/api/executions/" + run.executionId() + "/logs";
    }

    @Test
    void batchesAreNumberedInOrderAndReadBack() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        String worker = TestTokens.worker(run.workerId());
        as(worker).body(batch(3, "first")).post(path(run)).then().statusCode(201)
                .body("firstSequence", is(1)).body("lastSequence", is(3)).body("count", is(3)).body("duplicate", is(false));
        as(worker).body(batch(2, "second")).post(path(run)).then().statusCode(201)
                .body("firstSequence", is(4)).body("lastSequence", is(5));

        as(owner).get(path(run)).then().statusCode(200)
                .body("items.sequence", is(List.of(1, 2, 3, 4, 5)))
                .body("items[0].message", is("first line 0"))
                .body("items[0].level", is("INFO"))
                .body("items[0].metadata.i", is(0))
                .body("items[1].metadata", nullValue())
                .body("items[3].message", is("second line 0"))
                .body("nextCursor", nullValue());
        as(owner).get("/api/executions/" + run.executionId()).then().body("logCount", is(5));
    }

    @Test
    void concurrentWritersGetGaplessUniqueSequences() throws Exception {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        String worker = TestTokens.worker(run.workerId());
        int writers = 4;
        int batches = 15;
        int size = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String name = "writer" + w;
            done.add(pool.submit(() -> {
                for (int b = 0; b < batches; b++) {
                    as(worker).body(batch(size, name)).post(path(run)).then().statusCode(201);
                }
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();
        long total = (long) writers * batches * size;
        String id = run.executionId().toString();
        assertEquals(total, api.count("select count(*) from execution.execution_logs where execution_id = '" + id + "'"));
        assertEquals(total, api.count("select count(distinct seq) from execution.execution_logs where execution_id = '" + id + "'"));
        assertEquals(1, api.count("select min(seq) from execution.execution_logs where execution_id = '" + id + "'"));
        assertEquals(total, api.count("select max(seq) from execution.execution_logs where execution_id = '" + id + "'"));
        // each batch's lines are contiguous and in the order sent: line i follows line i-1 of the same writer
        assertEquals(0, api.count("""
                select count(*) from execution.execution_logs l
                join execution.execution_logs p on p.execution_id = l.execution_id and p.seq = l.seq - 1
                where l.execution_id = '%s' and split_part(l.message, ' ', 3)::int > 0
                  and (split_part(p.message, ' ', 1) <> split_part(l.message, ' ', 1)
                       or split_part(p.message, ' ', 3)::int <> split_part(l.message, ' ', 3)::int - 1)
                """.formatted(id)));
    }

    @Test
    void aBatchRetriedWithItsKeyIsStoredOnce() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        String worker = TestTokens.worker(run.workerId());
        as(worker).header("Idempotency-Key", "batch-1").body(batch(4, "x")).post(path(run)).then().statusCode(201)
                .body("firstSequence", is(1));
        as(worker).header("Idempotency-Key", "batch-1").body(batch(4, "x")).post(path(run)).then().statusCode(200)
                .body("firstSequence", is(1)).body("lastSequence", is(4)).body("duplicate", is(true));
        as(worker).header("Idempotency-Key", "batch-2").body(batch(1, "y")).post(path(run)).then().statusCode(201)
                .body("firstSequence", is(5));
        assertEquals(5, api.count("select count(*) from execution.execution_logs where execution_id = '"
                + run.executionId() + "'"));
    }

    @Test
    void badBatchesAreRefusedAndStoreNothing() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        String worker = TestTokens.worker(run.workerId());
        as(worker).body(batch(1001, "big")).post(path(run)).then().statusCode(413).contentType(PROBLEM)
                .body("detail", containsString("1000 lines"));
        String huge = "x".repeat(100_000);
        List<Map<String, Object>> heavy = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            heavy.add(Map.of("level", "INFO", "message", huge));
        }
        as(worker).body(Map.of("lines", heavy)).post(path(run)).then().statusCode(413).contentType(PROBLEM);
        as(worker).body(Map.of("lines", List.of(Map.of("level", "LOUD", "message", "m")))).post(path(run))
                .then().statusCode(400).contentType(PROBLEM);
        as(worker).body(Map.of("lines", List.of(Map.of("level", "INFO")))).post(path(run))
                .then().statusCode(400).body("errors[0].field", is("lines[0].message"));
        as(worker).body(Map.of("lines", List.of())).post(path(run)).then().statusCode(400);
        as(worker).body("{\"lines\": [").post(path(run)).then().statusCode(400).contentType(PROBLEM);
        as(worker).body(Map.of("lines", List.of(Map.of("level", "INFO", "message", "m", "colour", "red"))))
                .post(path(run)).then().statusCode(400);
        as(worker).header("Idempotency-Key", "k".repeat(101)).body(batch(1, "z")).post(path(run)).then().statusCode(400);
        assertEquals(0, api.count("select count(*) from execution.execution_logs where execution_id = '"
                + run.executionId() + "'"));
        assertEquals(0, api.count("select log_count from execution.executions where id = '" + run.executionId() + "'"));
    }

    @Test
    void onlyTheHoldingWorkerWritesAndOnlyWhileItRuns() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        as(TestTokens.worker(UUID.randomUUID())).body(batch(1, "stranger")).post(path(run)).then().statusCode(403)
                .contentType(PROBLEM);
        as(owner).body(batch(1, "person")).post(path(run)).then().statusCode(403);
        api.completed(run, 0, Map.of(), null, null, null);
        api.awaitStatus(run.executionId(), "completed");
        as(TestTokens.worker(run.workerId())).body(batch(1, "late")).post(path(run)).then().statusCode(409)
                .contentType(PROBLEM).body("detail", containsString("finished"));
        assertEquals(0, api.count("select count(*) from execution.execution_logs where execution_id = '"
                + run.executionId() + "'"));
    }

    @Test
    void queriesFilterByLevelTextAndTimeAndPageBySequence() {
        ExecutionApi.Run run = api.running(ownerId, UUID.randomUUID());
        String worker = TestTokens.worker(run.workerId());
        as(worker).body(Map.of("lines", List.of(
                Map.of("level", "INFO", "message", "Cloning repository", "loggedAt", "2026-01-01T10:00:00Z"),
                Map.of("level", "WARNING", "message", "Slow test detected", "loggedAt", "2026-01-01T10:01:00Z"),
                Map.of("level", "ERROR", "message", "Test FAILED: parser", "loggedAt", "2026-01-01T10:02:00Z"),
                Map.of("level", "CRITICAL", "message", "out of memory", "loggedAt", "2026-01-01T10:03:00Z"))))
                .post(path(run)).then().statusCode(201);

        as(owner).queryParam("level", "ERROR").queryParam("level", "CRITICAL").get(path(run)).then()
                .body("items.sequence", is(List.of(3, 4)));
        as(owner).queryParam("contains", "test").get(path(run)).then().body("items.sequence", is(List.of(2, 3)));
        as(owner).queryParam("from", "2026-01-01T10:01:00Z").queryParam("to", "2026-01-01T10:03:00Z").get(path(run))
                .then().body("items.sequence", is(List.of(2, 3)));
        as(owner).queryParam("limit", 3).get(path(run)).then().body("items.sequence", is(List.of(1, 2, 3)))
                .body("nextCursor", is(3));
        as(owner).queryParam("after", 3).get(path(run)).then().body("items.sequence", is(List.of(4)))
                .body("nextCursor", nullValue());

        as(owner).queryParam("level", "LOUD").get(path(run)).then().statusCode(400).contentType(PROBLEM);
        as(TestTokens.developer(UUID.randomUUID())).get(path(run)).then().statusCode(404);
    }

    @Test
    void aRunUnknownHereAndUnreachableInTaskServiceAnswers503() {
        // no claim event and no task-service in this test run: the lookup cannot be made
        UUID unknown = UUID.randomUUID();
        as(TestTokens.worker(UUID.randomUUID())).body(batch(1, "early")).post("/api/executions/" + unknown + "/logs")
                .then().statusCode(503).contentType(PROBLEM).header("Retry-After", "5");
        assertEquals(0, api.count("select count(*) from execution.executions where id = '" + unknown + "'"));
    }
}
