package io.agentyard.task.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.task.TaskApi;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * A claim batch's statements go to PostgreSQL together with their BEGIN and COMMIT
 * ({@link WorkOrderQueue#inOneTransaction}): all of them apply, or none does and the first failure
 * is raised as it was (the group commit retries a deadlock by its SQL state); the connection goes
 * back to the pool ready for the next request.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class OneTransactionTest {

    private static final String SLOTS = "update task.workers set max_concurrent_tasks = $2 where id = $1";

    @Inject
    Pool pool;

    @Inject
    TaskApi api;

    @Test
    void allStatementsApplyTogether() {
        UUID worker = UUID.randomUUID();
        api.worker(worker, "one_transaction", 1);
        pool.withConnection(connection -> WorkOrderQueue.inOneTransaction(connection, List.of(
                connection.preparedQuery(SLOTS).execute(Tuple.of(worker, 5)),
                connection.preparedQuery(SLOTS).execute(Tuple.of(worker, 7))))).await().indefinitely();
        assertEquals(7, slotsOf(worker));
    }

    @Test
    void aFailingStatementRollsBackTheOthersAndItsFailureIsRaised() {
        UUID worker = UUID.randomUUID();
        api.worker(worker, "one_transaction", 1);
        for (int attempt = 0; attempt < 25; attempt++) { // more than the pool's connections
            Throwable failure = assertThrows(Throwable.class, () -> pool.withConnection(connection ->
                    WorkOrderQueue.inOneTransaction(connection, List.of(
                            connection.preparedQuery(SLOTS).execute(Tuple.of(worker, 5)),
                            connection.query("select 1 / 0").execute(),
                            connection.preparedQuery(SLOTS).execute(Tuple.of(worker, 9)))))
                    .await().indefinitely());
            assertEquals("22012", assertInstanceOf(PgException.class, failure).getSqlState(),
                    "division by zero, not the aborted transaction after it");
            assertEquals(1, slotsOf(worker), "the statement before it rolled back");
        }
        // every connection is out of its aborted transaction: a plain statement commits
        for (int request = 0; request < 25; request++) {
            pool.preparedQuery(SLOTS).execute(Tuple.of(worker, request + 2)).await().indefinitely();
            assertEquals(request + 2, slotsOf(worker));
        }
    }

    private int slotsOf(UUID worker) {
        return pool.preparedQuery("select max_concurrent_tasks from task.workers where id = $1")
                .execute(Tuple.of(worker)).await().indefinitely().iterator().next().getInteger(0);
    }
}
