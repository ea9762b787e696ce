package io.agentyard.task.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.events.TaskEvents;
import io.agentyard.task.task.Task;
import io.agentyard.task.task.TaskStatus;
import io.agentyard.task.worker.WorkerStatus;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The dispatch hot path's SQL, each statement a named operation with typed parameters (as River's
 * {@code JobGetAvailable} / {@code JobSetStateIfRunningMany}). The rules stay in Java and come in
 * as parameters: which statuses a task moves between ({@link TaskStatus}), which events are
 * recorded ({@link TaskEvents}), which workers may claim ({@link WorkerStatus}), lease interval
 * and default timeout (configuration). Claims and completions take many requests at once: the
 * group commit in {@link WorkOrderService} hands them whatever arrived together.
 * <p>
 * Every statement joins its work back to {@code work_orders} and {@code tasks} by primary key
 * through {@code = any(array(...))}, {@code = any((select ...)::uuid[])} or an array parameter:
 * joined from a CTE, the planner expects a tenth of the pending orders and scans whole tables
 * (NOTES.md). The one-row CTEs those read are {@code materialized}: a generic plan cached while the
 * tables were empty otherwise recomputed them for every row of the table it scans (a claim of 16
 * took 11 s at 200,000 orders; README, "Background rounds").
 * <p>
 * The claim and the completion run on pinned plans ({@link #PINNED_PLANS}): planned once per
 * connection, never with a sequential scan.
 */
@ApplicationScoped
public class WorkOrderQueue {

    /** One worker's claim: at most {@code max} orders, traced as {@code traceparent}. */
    public record ClaimRequest(UUID workerId, int max, String traceparent) {
    }

    /**
     * Claims of several workers (each at most once) on the same queues, in one statement; orders go
     * to the requests in the order given, highest priority then oldest first.
     */
    public record ClaimParams(List<String> queues, List<ClaimRequest> requests, Duration leaseInterval,
                              Duration defaultTimeout) {
    }

    /**
     * What a claim found: the worker's status as task-service knows it ({@code null}: unknown
     * worker), the orders it now holds and, for each, how long it had been available (claim wait,
     * both ends the database's clock).
     */
    public record ClaimResult(String workerStatus, List<WorkOrderDtos.ClaimedOrder> orders, List<Long> waitMillis) {
    }

    /**
     * Pins the plans of the transaction's statements. PostgreSQL otherwise planned the claim and the
     * completion afresh at every call (0.77 ms each, more than they take to run: 0.42 and 0.44 ms;
     * pg_stat_statements, bench wake-up case), or, once it chose to cache one, kept a plan made for
     * the tables of that moment: made on empty tables, it read whole tables (a claim at 100,000
     * orders: 30 ms against 0.5). So each statement is planned once per connection
     * ({@code force_generic_plan}) and without sequential scans ({@code enable_seqscan} off: every
     * row of the hot path is reached by an index), a plan that stays right at any backlog. Both
     * settings end with the transaction.
     */
    static final String PINNED_PLANS = """
            select set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)""";

    /**
     * Runs {@code statements} in one transaction on {@linkplain #PINNED_PLANS pinned plans}, sent
     * together with its BEGIN and COMMIT (pipelined: one round trip, where one each took about 2 ms
     * of a claim batch's 7 under load). A statement that fails aborts the transaction, so the COMMIT
     * behind it rolls back; the first failure is raised once every statement has answered, the
     * connection idle again.
     */
    public static Uni<Void> inOneTransaction(SqlConnection connection, List<Uni<?>> statements) {
        List<Uni<?>> all = new ArrayList<>(statements.size() + 3);
        all.add(connection.query("begin").execute());
        all.add(connection.query(PINNED_PLANS).execute());
        all.addAll(statements);
        all.add(connection.query("commit").execute());
        return Uni.combine().all().unis(all).collectFailures().discardItems()
                .onFailure(CompositeException.class).transform(failure -> ((CompositeException) failure).getCause());
    }

    /** {@link #inOneTransaction(SqlConnection, List)} for one statement: answers what it answered. */
    public static <T> Uni<T> inOneTransaction(SqlConnection connection, Uni<T> statement) {
        AtomicReference<T> result = new AtomicReference<>();
        return inOneTransaction(connection, List.of(statement.invoke(result::set))).map(done -> result.get());
    }

    /**
     * Locks the rows of workers $1 (in id order, so concurrent batches take them in one order): a
     * worker's claims run one at a time. Run before {@link #CLAIM} in the same transaction, whose
     * own, later snapshot then counts the orders a concurrent claim of the same worker committed
     * while this waited. (A lock taken inside the claim statement counts with the snapshot from
     * before the wait; a VOLATILE function that locks and counts afresh made its generic plan take
     * seconds.)
     */
    static final String LOCK_WORKERS = """
            select id from task.workers where id = any($1::uuid[]) order by id for update""";

    /** Runs {@link #LOCK_WORKERS}. */
    public Uni<Void> lockWorkers(SqlClient sql, List<UUID> workers) {
        return sql.preparedQuery(LOCK_WORKERS).execute(Tuple.of(workers.toArray(UUID[]::new))).replaceWithVoid();
    }

    /**
     * Leases the available orders of the queues $4 to the workers $1 (each wanting at most $2, traced
     * $3; locked by {@link #LOCK_WORKERS}), never more than a worker's free slots, and only to
     * workers whose status is one of $5. Skips rows other claimers hold, so no order is handed out
     * twice. Each order's attempt may run its own timeout, else its worker's, else $7 seconds; its
     * lease lasts $6 seconds or that timeout if shorter ($12: what the requests want in all, a
     * bound for the scan of each queue). Creates the assignments, moves the tasks from $8 to $9 and
     * records, per order, event $10 (task status) then $11 (the claim), both in one outbox row. One
     * row per request, then one per order it got.
     */
    static final String CLAIM = """
            with requests as materialized (
                select r.n, r.worker, r.wanted, r.trace, w.status,
                       w.max_concurrent_tasks - h.orders as free, w.timeout_seconds
                from unnest($1::uuid[], $2::int[], $3::text[]) with ordinality as r (worker, wanted, trace, n)
                left join lateral (select * from task.workers w where w.id = r.worker) w on true
                -- per worker, its own entries of work_orders_holder_idx (one count for all of them let
                -- a plan made on small tables walk every lease of work_orders_leases_idx instead)
                cross join lateral (select count(*) as orders from task.work_orders o
                                    where o.claimed_by = r.worker and o.status = 'claimed') h
            ), shares as (
                select n, worker, trace, timeout_seconds, share, sum(share) over (order by n) - share as first
                from (select r.*, case when r.status = any($5::text[]) then greatest(0, least(r.wanted, r.free))
                                       else 0 end as share
                      from requests r) r
            ), picked as (
                -- per queue, so each scan walks work_orders_ready_idx in order instead of sorting the queue
                select o.id, o.timeout_seconds,
                       row_number() over (order by o.priority desc, o.available_at, o.enqueued_at) - 1 as rank
                from (select o.* from unnest($4::text[]) as q (name) cross join lateral (
                          select id, priority, available_at, enqueued_at, timeout_seconds from task.work_orders
                          where status = 'pending' and queue_name = q.name and available_at <= now()
                          order by priority desc, available_at, enqueued_at
                          -- all the requests want: a limit read from shares here cost 0.4-1 s a claim (EXPLAIN ANALYZE)
                          limit $12
                          for update skip locked) o
                      order by o.priority desc, o.available_at, o.enqueued_at
                      limit (select sum(share) from shares)) o
            ), handed as materialized (
                select array_agg(p.id) as ids, array_agg(s.worker) as workers, array_agg(s.trace) as traces,
                       array_agg(coalesce(p.timeout_seconds, s.timeout_seconds, $7)) as timeouts
                from picked p join shares s on p.rank >= s.first and p.rank < s.first + s.share
            ), claimed as (
                update task.work_orders o
                set status = 'claimed', claimed_by = h.workers[array_position(h.ids, o.id)], claimed_at = now(),
                    attempt = o.attempt + 1, execution_id = gen_random_uuid(),
                    deadline_at = now() + h.timeouts[array_position(h.ids, o.id)] * interval '1 second',
                    expires_at = now() + least(h.timeouts[array_position(h.ids, o.id)], $6) * interval '1 second'
                from handed h
                where o.id = any((select ids from handed)::uuid[])
                returning o, h.traces[array_position(h.ids, o.id)] as trace
            ), assigned as (
                insert into task.worker_assignments (id, worker_id, work_order_id, execution_id, status, assigned_at,
                                                     attempt)
                select gen_random_uuid(), (c.o).claimed_by, (c.o).id, (c.o).execution_id, 'active', now(),
                       (c.o).attempt
                from claimed c
            ), claimed_tasks as materialized (
                select array_agg((c.o).task_id) as ids, array_agg((c.o).claimed_by) as workers from claimed c
            ), started as (
                update task.tasks t
                set status = $9, assigned_to = ct.workers[array_position(ct.ids, t.id)],
                    started_at = coalesce(t.started_at, now()), updated_at = now()
                from claimed_tasks ct
                where t.id = any((select ids from claimed_tasks)::uuid[])
            ), events as (
                select (c.o).priority, (c.o).available_at, (c.o).enqueued_at, jsonb_build_array(
                           task.event_envelope($10, (c.o).task_id,
                               task.task_status_changed((c.o).task_id, $8, $9, (c.o).claimed_by), c.trace),
                           task.event_envelope($11, (c.o).id, task.work_order_changed(c.o), c.trace)) as envelopes
                from claimed c
            ), recorded as (
                insert into task.outbox (id, event_type, subject_id, envelope)
                select (envelopes -> 0 ->> 'id')::uuid, envelopes -> 0 ->> 'type', envelopes -> 0 ->> 'subjectId',
                       envelopes
                from events order by priority desc, available_at, enqueued_at
            )
            select r.worker, r.status as worker_status, (c.o).*
            from requests r left join claimed c on (c.o).claimed_by = r.worker
            order by r.n, (c.o).priority desc, (c.o).available_at, (c.o).enqueued_at""";

    /** Runs {@link #CLAIM}: one result per request, in the order given. */
    public Uni<List<ClaimResult>> claim(SqlClient sql, ClaimParams params) {
        int n = params.requests().size();
        UUID[] workers = new UUID[n];
        Integer[] wanted = new Integer[n];
        String[] traces = new String[n];
        for (int i = 0; i < n; i++) {
            ClaimRequest request = params.requests().get(i);
            workers[i] = request.workerId();
            wanted[i] = request.max();
            traces[i] = request.traceparent();
        }
        Tuple tuple = Tuple.tuple(Arrays.asList(workers, wanted, traces, params.queues().toArray(String[]::new),
                WorkerStatus.claiming(), (int) params.leaseInterval().toSeconds(),
                (int) params.defaultTimeout().toSeconds(), TaskStatus.queued.name(), TaskStatus.in_progress.name(),
                TaskEvents.TASK_STATUS_CHANGED, TaskEvents.WORK_ORDER_CLAIMED,
                params.requests().stream().mapToInt(ClaimRequest::max).sum()));
        return sql.preparedQuery(CLAIM).execute(tuple).map(rows -> {
            Map<UUID, String> statuses = new LinkedHashMap<>();
            Map<UUID, List<WorkOrderDtos.ClaimedOrder>> orders = new LinkedHashMap<>();
            Map<UUID, List<Long>> waits = new LinkedHashMap<>();
            for (Row row : rows) {
                UUID worker = row.getUUID("worker");
                statuses.putIfAbsent(worker, row.getString("worker_status"));
                List<WorkOrderDtos.ClaimedOrder> held = orders.computeIfAbsent(worker, w -> new ArrayList<>());
                if (row.getUUID("id") != null) {
                    held.add(WorkOrderDtos.ClaimedOrder.from(row));
                    waits.computeIfAbsent(worker, w -> new ArrayList<>()).add(Math.max(0, Duration.between(
                            row.getOffsetDateTime("available_at"), row.getOffsetDateTime("claimed_at")).toMillis()));
                }
            }
            List<ClaimResult> results = new ArrayList<>(n);
            for (ClaimRequest request : params.requests()) {
                results.add(new ClaimResult(statuses.get(request.workerId()),
                        orders.getOrDefault(request.workerId(), List.of()),
                        waits.getOrDefault(request.workerId(), List.of())));
            }
            return results;
        });
    }

    /** A worker's report that attempt {@code attempt} of order {@code id} succeeded, with its outcome. */
    public record Completion(UUID id, UUID workerId, int attempt, String result, Integer exitCode, String stdout,
                             String stderr, String metrics, String traceparent) {
    }

    /**
     * Completes each order $1 whose worker $2 holds a live lease of attempt $3 and whose task is
     * $11 (running): stores the outcome ($4 result, $5 exit code, $6 stdout, $7 stderr, $8 metrics),
     * ends the assignment, moves the task to $12, or to $13 for $14 when its permission level is one
     * of $10 (supervised: awaiting review), and records event $15 (the completion), $16 (task status)
     * and $17 (the task's end, when it ended), traced $9, in one outbox row per order (the relay
     * publishes each event of a row as its own stream entry). One row per order completed, saying whether
     * its task completed and blocks others (their dispatch follows once this has committed).
     */
    static final String COMPLETE = """
            with input as (
                select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::int[], $6::text[], $7::text[],
                                     $8::text[], $9::text[])
                    as i (id, worker, attempt, result, exit_code, stdout, stderr, metrics, trace)
            ), done as (
                update task.work_orders o
                set status = 'completed', result = i.result::jsonb, exit_code = i.exit_code, stdout = i.stdout,
                    stderr = i.stderr, metrics = i.metrics::jsonb, completed_at = now()
                from input i
                where o.id = any($1::uuid[]) and o.id = i.id and o.claimed_by = i.worker and o.attempt = i.attempt
                  and o.status = 'claimed' and o.expires_at > now()
                  and (select t.status from task.tasks t where t.id = o.task_id) = $11
                returning o, i.trace
            ), ended as (
                update task.worker_assignments a set status = 'completed', completed_at = now()
                where a.execution_id = any(array(select (d.o).execution_id from done d)) and a.status = 'active'
            ), finished as (
                update task.tasks t
                set status = case when t.permission_level = any($10::text[]) then $13 else $12 end,
                    blocked_reason = case when t.permission_level = any($10::text[]) then $14 end,
                    completed_at = case when t.permission_level = any($10::text[]) then null else now() end,
                    updated_at = now()
                where t.id = any(array(select (d.o).task_id from done d))
                returning t.id, t.status, t.assigned_to
            ), events as (
                select (d.o).id as order_id, jsonb_build_array(
                           task.event_envelope($15, (d.o).id, task.work_order_changed(d.o), d.trace),
                           task.event_envelope($16, f.id, s.data, d.trace))
                       || case when f.status = $12 then jsonb_build_array(task.event_envelope($17, f.id, s.data, d.trace))
                               else '[]'::jsonb end as envelopes
                from done d join finished f on f.id = (d.o).task_id
                cross join lateral (select task.task_status_changed(f.id, $11, f.status, f.assigned_to) as data) s
            ), recorded as (
                insert into task.outbox (id, event_type, subject_id, envelope)
                select (envelopes -> 0 ->> 'id')::uuid, envelopes -> 0 ->> 'type', envelopes -> 0 ->> 'subjectId',
                       envelopes
                from events order by order_id
            )
            select (d.o).*, f.status = $12 and exists (
                       select 1 from task.task_dependencies dep
                       where dep.depends_on_task_id = (d.o).task_id and dep.dependency_type = 'blocks')
                       as dispatch_dependents
            from done d join finished f on f.id = (d.o).task_id""";

    /** Runs {@link #COMPLETE}: the completed orders' rows, by order id; orders it did not complete are absent. */
    public Uni<Map<UUID, Row>> complete(SqlClient sql, List<Completion> completions) {
        int n = completions.size();
        UUID[] ids = new UUID[n];
        UUID[] workers = new UUID[n];
        Integer[] attempts = new Integer[n];
        String[] results = new String[n];
        Integer[] exitCodes = new Integer[n];
        String[] stdouts = new String[n];
        String[] stderrs = new String[n];
        String[] metrics = new String[n];
        String[] traces = new String[n];
        for (int i = 0; i < n; i++) {
            Completion c = completions.get(i);
            ids[i] = c.id();
            workers[i] = c.workerId();
            attempts[i] = c.attempt();
            results[i] = c.result();
            exitCodes[i] = c.exitCode();
            stdouts[i] = c.stdout();
            stderrs[i] = c.stderr();
            metrics[i] = c.metrics();
            traces[i] = c.traceparent();
        }
        Tuple tuple = Tuple.tuple(Arrays.asList(ids, workers, attempts, results, exitCodes, stdouts, stderrs, metrics,
                traces, Task.Permission.awaitingReview(), TaskStatus.in_progress.name(), TaskStatus.completed.name(),
                TaskStatus.blocked.name(), Task.BlockedReason.review.name(), TaskEvents.WORK_ORDER_COMPLETED,
                TaskEvents.TASK_STATUS_CHANGED, TaskEvents.TASK_COMPLETED));
        return sql.preparedQuery(COMPLETE).execute(tuple).map(rows -> {
            Map<UUID, Row> done = new LinkedHashMap<>();
            rows.forEach(row -> done.put(row.getUUID("id"), row));
            return done;
        });
    }

    /**
     * Order $1 as it is, whether its lease is live, whether worker $2 held its attempt $3, whether it
     * holds result $4 and exit code $5, and its task's status and why it waits: why a completion
     * changed nothing.
     */
    static final String WHY_NOT_COMPLETED = """
            select o.*, o.expires_at > now() as lease_live,
                   exists (select 1 from task.worker_assignments a
                           where a.work_order_id = o.id and a.worker_id = $2 and a.attempt = $3) as held_attempt,
                   o.result is not distinct from $4::text::jsonb and o.exit_code is not distinct from $5 as same_outcome,
                   t.status as task_status, t.blocked_reason as task_blocked_reason
            from task.work_orders o join task.tasks t on t.id = o.task_id where o.id = $1""";

    /** Runs {@link #WHY_NOT_COMPLETED}; null when the order does not exist. */
    public Uni<Row> whyNotCompleted(SqlClient sql, Completion completion) {
        return sql.preparedQuery(WHY_NOT_COMPLETED).execute(Tuple.of(completion.id(), completion.workerId(),
                completion.attempt(), completion.result(), completion.exitCode()))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
    }

    /** The assignment of execution $1 (execution_id is unique there) with its order and task. */
    static final String HOLDER = """
            select a.execution_id, a.work_order_id, o.task_id, a.worker_id, a.attempt, a.status, a.assigned_at,
                   t.created_by, t.agent_id, t.workflow_id, t.input
            from task.worker_assignments a
            join task.work_orders o on o.id = a.work_order_id
            join task.tasks t on t.id = o.task_id
            where a.execution_id = $1""";

    /** Runs {@link #HOLDER}; null when task-service never issued the execution. */
    public Uni<Row> holderOf(SqlClient sql, UUID executionId) {
        return sql.preparedQuery(HOLDER).execute(Tuple.of(executionId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
    }

    /** Task $1's claimed order and active attempt, while its lease is live or paused (task $2 for a reason in $3). */
    static final String TASK_HOLDER = """
            select a.execution_id, a.work_order_id, o.task_id, a.worker_id, a.attempt, a.status, a.assigned_at,
                   t.created_by, t.agent_id, t.workflow_id, t.input
            from task.work_orders o
            join task.worker_assignments a on a.execution_id = o.execution_id and a.status = 'active'
            join task.tasks t on t.id = o.task_id
            where o.task_id = $1 and o.status = 'claimed'
              and (o.expires_at > now() or t.status = $2 and t.blocked_reason = any($3))""";

    /** Runs {@link #TASK_HOLDER}; null when nobody holds the task now. */
    public Uni<Row> holderOfTask(SqlClient sql, UUID taskId) {
        return sql.preparedQuery(TASK_HOLDER).execute(Tuple.of(taskId, TaskStatus.blocked.name(),
                        Task.BlockedReason.pausingLease().toArray(String[]::new)))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
    }

    /** Dead row versions in work_orders, as PostgreSQL's statistics last counted them (they lag by a second or so). */
    static final String DEAD_ROWS = """
            select coalesce(n_dead_tup, 0) from pg_stat_user_tables where relid = 'task.work_orders'::regclass""";

    /** Runs {@link #DEAD_ROWS}. */
    public Uni<Long> deadRows(SqlClient sql) {
        return sql.preparedQuery(DEAD_ROWS).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * Removes work_orders' dead row versions and their index entries. A claimed order's entry stays
     * in work_orders_ready_idx until a vacuum, and every claim's scan walks from the index's start
     * through the entries of all orders claimed since the last one (about 10 microseconds per page
     * of 166). INDEX_CLEANUP ON: PostgreSQL otherwise leaves the indexes alone when few heap pages
     * hold dead rows. SKIP_LOCKED: when another replica or autovacuum is at it, that vacuum does.
     */
    static final String VACUUM = "vacuum (index_cleanup on, skip_locked) task.work_orders";

    /** Runs {@link #VACUUM}: outside any transaction, with the simple protocol (VACUUM cannot be prepared). */
    public Uni<Void> vacuum(SqlClient sql) {
        return sql.query(VACUUM).execute().replaceWithVoid();
    }
}
