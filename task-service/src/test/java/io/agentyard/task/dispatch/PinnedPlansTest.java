package io.agentyard.task.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.reactive.PostgresPool;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.task.TaskApi;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The claim runs on a pinned plan ({@link WorkOrderQueue#PINNED_PLANS}): planned once per
 * connection, on the tables as they were then, and still walking indexes once the backlog has grown
 * (a plan PostgreSQL caches on small tables otherwise reads them whole). Statements that long stay
 * prepared on their connection at all ({@link PostgresPool}).
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class PinnedPlansTest {

    /** The claim, prepared in SQL (EXPLAIN EXECUTE shows the plan a connection keeps for it). */
    private static final String PREPARE = "prepare pinned_claim (uuid[], int[], text[], text[], text[], int, int, text,"
            + " text, text, text, int) as " + WorkOrderQueue.CLAIM;

    @Inject
    Pool pool;

    @Inject
    TaskApi api;

    @Test
    void theClaimKeepsItsPlanAndItsIndexesWhateverTheBacklog() {
        UUID worker = UUID.randomUUID();
        api.worker(worker, "pinned_plans", 4);
        String explain = "explain execute pinned_claim ('{" + worker + "}', '{1}', '{null}', '{pinned_plans}',"
                + " '{idle,busy}', 900, 900, 'queued', 'in_progress', 'task.status_changed', 'work_order.claimed', 1)";
        // statistics as autovacuum would leave them, few orders claimed (under such statistics the bench's plan
        // walked every lease before V10; this database's do not reproduce that choice)
        String[] plans = pool.withConnection(connection -> grow(connection, 1000)
                .chain(() -> connection.query("analyze task.work_orders").execute())
                .chain(() -> connection.query(PREPARE).execute())
                .chain(() -> planOf(connection, explain))
                .chain(small -> grow(connection, 3000).chain(() -> planOf(connection, explain))
                        .map(grown -> new String[] {small, grown}))
                .eventually(() -> connection.query("deallocate pinned_claim").execute()))
                .await().indefinitely();

        assertEquals(plans[0], plans[1], "planned once, as the tables were then: the cached plan");
        assertFalse(plans[1].contains("Seq Scan"), plans[1]);
        assertTrue(plans[1].contains("work_orders_ready_idx"), "the queue is read in order: " + plans[1]);
        assertTrue(plans[1].contains("work_orders_holder_idx") && !plans[1].contains("work_orders_leases_idx"),
                "each worker's own orders are counted, not every lease walked: " + plans[1]);
        assertTrue(plans[1].contains("workers_pkey") && plans[1].contains("tasks_pkey")
                && plans[1].contains("work_orders_pkey"), "the rows claimed are reached by key: " + plans[1]);
    }

    @Test
    void statementsLongerThanTheClientsDefaultLimitStayPrepared() {
        // the Vert.x client's own limit is 2,048 characters; the claim is over twice that
        assertTrue(WorkOrderQueue.CLAIM.length() > 2048 && WorkOrderQueue.CLAIM.length() < PostgresPool.CACHED_SQL_LIMIT);
        String longStatement = "select $1::int as answer -- " + "x".repeat(4000);
        long prepared = pool.withConnection(connection -> connection.preparedQuery(longStatement).execute(Tuple.of(1))
                .chain(() -> connection.preparedQuery(longStatement).execute(Tuple.of(2)))
                .chain(() -> connection.preparedQuery("select count(*) from pg_prepared_statements where statement = $1")
                        .execute(Tuple.of(longStatement)))
                .map(rows -> rows.iterator().next().getLong(0))).await().indefinitely();
        assertEquals(1, prepared, "prepared once on the connection, then executed by name");
    }

    /** The pinned plan of {@code explain}, as the hot path's transactions make it. */
    private static Uni<String> planOf(SqlConnection connection, String explain) {
        return connection.query("begin").execute()
                .chain(() -> connection.query(WorkOrderQueue.PINNED_PLANS).execute())
                .chain(() -> connection.query(explain).execute())
                .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(row -> row.getString(0))
                        .collect(Collectors.joining("\n")))
                .call(() -> connection.query("rollback").execute());
    }

    /** {@code orders} more pending orders (and their tasks) on another queue. */
    private static Uni<Void> grow(SqlConnection connection, int orders) {
        return connection.query("""
                with t as (
                    insert into task.tasks (id, title, task_type, permission_level, priority, status, context, metadata,
                                            created_by, created_at, updated_at)
                    select gen_random_uuid(), 'backlog ' || g, 'feature', 'autonomous', 'normal', 'queued', '{}', '{}',
                           gen_random_uuid(), now(), now() from generate_series(1, %d) g
                    returning id, created_at)
                insert into task.work_orders (id, task_id, queue_name, status, priority, payload, retry_count,
                                              max_retries, enqueued_at, available_at)
                select gen_random_uuid(), t.id, 'pinned_plans_backlog', 'pending', 1, '{}', 0, 3, t.created_at,
                       t.created_at from t""".formatted(orders)).execute().replaceWithVoid();
    }
}
