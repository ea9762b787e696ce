package io.agentyard.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentyard.execution.log.LogRetention;
import io.agentyard.shared.testing.FreshDatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Old logs go a day's partition at a time; partitions wait ahead; old finished runs are deleted. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = true)
class RetentionTest {

    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    @Inject
    ExecutionApi api;

    @Inject
    LogRetention retention;

    long partition(LocalDate day) {
        return api.count("select count(*) from pg_class where relname = 'execution_logs_" + DAY.format(day) + "'");
    }

    @Test
    void aPartitionPastRetentionIsDroppedAndTodaysAndTheNextDaysStay() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate old = today.minusDays(40);
        retention.ensurePartitions(old, 1).await().indefinitely();
        UUID execution = UUID.randomUUID();
        api.execute("insert into execution.execution_logs (execution_id, seq, level, message, logged_at, stored_at)"
                + " values ('" + execution + "', 1, 'INFO', 'old', now() - interval '40 days', now() - interval '40 days'),"
                + " ('" + execution + "', 2, 'INFO', 'new', now(), now())");
        assertEquals(1, partition(old));

        retention.runOnce().await().indefinitely();

        assertEquals(0, partition(old));
        for (int ahead = 0; ahead <= 3; ahead++) {
            assertEquals(1, partition(today.plusDays(ahead)), "partition of today + " + ahead);
        }
        assertEquals(1, api.count("select count(*) from execution.execution_logs where execution_id = '" + execution + "'"));
    }

    @Test
    void finishedRunsPastRetentionAreDeletedWithTheirStepsAndOpenOnesStay() {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        UUID stillRunning = UUID.randomUUID();
        String columns = "insert into execution.executions (id, task_id, work_order_id, attempt, worker_id, owner_id,"
                + " status, started_at, completed_at, created_at) values ";
        api.execute(columns + "('" + old + "', gen_random_uuid(), gen_random_uuid(), 1, gen_random_uuid(),"
                + " gen_random_uuid(), 'completed', now() - interval '100 days', now() - interval '100 days',"
                + " now() - interval '100 days')");
        api.execute(columns + "('" + recent + "', gen_random_uuid(), gen_random_uuid(), 1, gen_random_uuid(),"
                + " gen_random_uuid(), 'failed', now() - interval '10 days', now() - interval '10 days',"
                + " now() - interval '10 days')");
        api.execute(columns + "('" + stillRunning + "', gen_random_uuid(), gen_random_uuid(), 1, gen_random_uuid(),"
                + " gen_random_uuid(), 'running', now() - interval '100 days', null, now() - interval '100 days')");
        api.execute("insert into execution.execution_steps (id, execution_id, position, name, step_type, status,"
                + " started_at) values (gen_random_uuid(), '" + old + "', 1, 'x', 'tool', 'completed', now())");

        retention.runOnce().await().indefinitely();

        assertEquals(0, api.count("select count(*) from execution.executions where id = '" + old + "'"));
        assertEquals(0, api.count("select count(*) from execution.execution_steps where execution_id = '" + old + "'"));
        assertEquals(1, api.count("select count(*) from execution.executions where id = '" + recent + "'"));
        assertEquals(1, api.count("select count(*) from execution.executions where id = '" + stillRunning + "'"));
    }
}
