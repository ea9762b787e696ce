package io.agentyard.task;

import static io.agentyard.task.TaskApi.as;
import static io.agentyard.task.TaskApi.create;
import static io.agentyard.task.TaskApi.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.Eventually;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.agentyard.task.dispatch.DispatchRounds;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The queue vacuum round: work_orders is vacuumed once it holds enough dead row versions, never before. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class QueueVacuumTest {

    @Inject
    TaskApi api;

    @Inject
    DispatchRounds rounds;

    final String owner = TestTokens.developer(UUID.randomUUID());

    @Test
    void aRoundVacuumsWorkOrdersOnceTheyHoldEnoughDeadRowsAndNotBefore() {
        claimAndCompleteEightOrders();

        long before = vacuums();
        assertEquals(0L, rounds.vacuumNow(Long.MAX_VALUE).await().indefinitely(), "under the threshold: no vacuum");
        assertEquals(before, vacuums());

        // PostgreSQL's statistics count the dead rows a moment after the transactions that left them
        AtomicLong dead = new AtomicLong();
        Eventually.await(Duration.ofSeconds(30), "work_orders vacuumed at 16 dead row versions", () -> {
            dead.set(rounds.vacuumNow(16).await().indefinitely());
            return dead.get() > 0;
        });
        assertTrue(dead.get() >= 16, "counted " + dead.get());
        assertTrue(vacuums() > before, "vacuum_count of work_orders went up");
    }

    @Test
    void rowsAVacuumCouldNotRemoveDoNotMakeEveryRoundVacuumAgain() throws SQLException {
        try (Connection reader = api.connection()) {
            // an older transaction that still sees the orders as they were: their old versions must stay
            reader.setAutoCommit(false);
            reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (var statement = reader.createStatement()) {
                statement.executeQuery("select count(*) from task.work_orders").close();
            }
            claimAndCompleteEightOrders();
            Eventually.await(Duration.ofSeconds(30), "work_orders vacuumed at 16 dead row versions",
                    () -> rounds.vacuumNow(16).await().indefinitely() > 0);
            long vacuumed = vacuums();

            assertEquals(0L, rounds.vacuumNow(10).await().indefinitely(), "the rows it had to leave count for nothing");
            assertEquals(vacuumed, vacuums());
            reader.rollback();
        }
    }

    /** Claimed, then completed: each order leaves two dead row versions and an entry in the pending index. */
    private void claimAndCompleteEightOrders() {
        api.emptyQueue("review");
        String worker = api.worker(UUID.randomUUID(), "review", 8);
        for (int i = 0; i < 8; i++) {
            create(owner, task("review", "autonomous"));
        }
        List<Map<String, Object>> orders = api.claim(worker, List.of("review"), 8, 0);
        assertEquals(8, orders.size());
        for (Map<String, Object> order : orders) {
            as(worker).body(Map.of("attempt", order.get("attempt"), "exitCode", 0))
                    .post("/api/work-orders/" + order.get("id") + "/complete").then().statusCode(200);
        }
    }

    private long vacuums() {
        return api.count("select vacuum_count from pg_stat_user_tables where relid = 'task.work_orders'::regclass");
    }
}
