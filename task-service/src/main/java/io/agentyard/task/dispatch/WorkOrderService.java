package io.agentyard.task.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import io.agentyard.shared.events.TaskEvents;
import io.agentyard.shared.events.TraceContext;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.agentyard.task.config.TaskServiceConfig;
import io.agentyard.task.question.TaskQuestionRepository;
import io.agentyard.task.task.Task;
import io.agentyard.task.task.TaskRepository;
import io.agentyard.task.task.TaskStatus;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The worker's side of dispatch: claim (a lease), heartbeat, complete, fail; and what happens when
 * a lease runs out. Only the lease holder may act on a claimed order; once the lease is gone, it
 * may not (409), except to repeat a completion it already made.
 */
@ApplicationScoped
public class WorkOrderService {

    private static final Logger LOG = Logger.getLogger(WorkOrderService.class);

    private final WorkOrderRepository workOrders;
    private final WorkerAssignmentRepository assignments;
    private final TaskRepository tasks;
    private final Dispatcher dispatcher;
    private final ClaimWaiters waiters;
    private final TaskServiceConfig config;
    private final Pool pool;
    private final TaskQuestionRepository questions;

    WorkOrderService(WorkOrderRepository workOrders, WorkerAssignmentRepository assignments, TaskRepository tasks,
                     Dispatcher dispatcher, ClaimWaiters waiters, TaskServiceConfig config, Pool pool,
                     TaskQuestionRepository questions) {
        this.questions = questions;
        this.workOrders = workOrders;
        this.assignments = assignments;
        this.tasks = tasks;
        this.dispatcher = dispatcher;
        this.waiters = waiters;
        this.config = config;
        this.pool = pool;
    }

    /**
     * Claims up to {@code max} orders (never more than the worker's free slots); with nothing
     * available, waits up to {@code waitSeconds} for work to arrive. An empty list means none came.
     */
    public Uni<List<WorkOrderDtos.ClaimedOrder>> claim(Caller caller, WorkOrderDtos.Claim request) {
        UUID workerId = workerOf(caller);
        int max = request.max() == null ? 1 : request.max();
        Instant deadline = Instant.now().plusSeconds(request.waitSeconds() == null ? 0 : request.waitSeconds());
        List<String> queues = request.queues().stream().distinct().toList();
        return claimUntil(workerId, queues, max, deadline, TraceContext.current());
    }

    private Uni<List<WorkOrderDtos.ClaimedOrder>> claimUntil(UUID workerId, List<String> queues, int max,
                                                              Instant deadline, String traceparent) {
        return claimNow(workerId, queues, max, traceparent)
                .chain(claimed -> {
                    Duration left = Duration.between(Instant.now(), deadline);
                    if (!claimed.isEmpty() || left.isNegative() || left.isZero()) {
                        return Uni.createFrom().item(claimed);
                    }
                    // no polling of its own: an announcement or the replica's fallback poll wakes it
                    return waiters.await(queues, left)
                            .chain(() -> claimUntil(workerId, queues, max, deadline, traceparent));
                });
    }

    /**
     * The claim is the hot path, so it is one SQL statement: no transaction to open and commit
     * around it, one round trip.
     */
    private Uni<List<WorkOrderDtos.ClaimedOrder>> claimNow(UUID workerId, List<String> queues, int max,
                                                          String traceparent) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(workerId, queues.toArray(String[]::new), max, traceparent))
                .onFailure(WorkOrderService::unknownWorker).transform(failure ->
                        ProblemException.forbidden("worker " + workerId + " is not registered (agent-service)"))
                .map(claimed -> {
                    List<WorkOrderDtos.ClaimedOrder> orders = new ArrayList<>(claimed.size());
                    claimed.forEach(row -> orders.add(WorkOrderDtos.ClaimedOrder.from(row)));
                    return orders;
                });
    }

    /** lock_free_slots (V4) raises no_data_found for a worker task-service does not know. */
    private static boolean unknownWorker(Throwable failure) {
        return failure instanceof PgException pg && "P0002".equals(pg.getSqlState());
    }

    /**
     * Leases up to $3 available orders of the queues $2 to worker $1, never more than its free
     * slots (lock_free_slots, V4, locks the worker's row first: a worker's claims run one at a
     * time), highest priority then oldest first, skipping rows other claimers hold (so no order is
     * ever handed to two workers); creates their assignments, puts their tasks in progress and
     * records, per order, task.status_changed then work_order.claimed (trace context $4).
     */
    private static final String CLAIM = """
            with slots as (
                select greatest(0, least($3, task.lock_free_slots($1))) as free
            ), picked as (
                -- per queue, so each scan walks work_orders_ready_idx in order instead of sorting the queue
                select o.id from unnest($2::text[]) as q (name) cross join lateral (
                    select id, priority, available_at, enqueued_at from task.work_orders
                    where status = 'pending' and queue_name = q.name and available_at <= now()
                    order by priority desc, available_at, enqueued_at
                    limit (select free from slots)
                    for update skip locked) o
                order by o.priority desc, o.available_at, o.enqueued_at
                limit (select free from slots)
            ), claimed as (
                update task.work_orders o
                set status = 'claimed', claimed_by = $1, claimed_at = now(),
                    expires_at = now() + o.timeout_seconds * interval '1 second', execution_id = gen_random_uuid()
                -- any(array(...)) keeps this a primary-key lookup: joined FROM picked, the planner expected a
                -- tenth of the pending orders and scanned the whole table on every claim (NOTES.md)
                where o.id = any(array(select id from picked))
                returning o.*
            ), assigned as (
                insert into task.worker_assignments (id, worker_id, work_order_id, execution_id, status, assigned_at,
                                                     attempt)
                select gen_random_uuid(), $1, id, execution_id, 'active', now(), retry_count + 1 from claimed
            ), started as (
                update task.tasks t
                set status = 'in_progress', assigned_to = $1, started_at = coalesce(t.started_at, now()),
                    updated_at = now()
                where t.id = any(array(select task_id from claimed))
            ), events as (
                select c.priority, c.available_at, c.enqueued_at, 1 as step,
                       task.event_envelope('task.status_changed', c.task_id,
                           task.task_status_changed(c.task_id, 'queued', 'in_progress', $1::uuid), $4::text) as envelope
                from claimed c
                union all
                select c.priority, c.available_at, c.enqueued_at, 2,
                       task.event_envelope('work_order.claimed', c.id, task.work_order_changed(c), $4::text)
                from claimed c
            ), recorded as (
                insert into task.outbox (id, event_type, subject_id, envelope)
                select (envelope ->> 'id')::uuid, envelope ->> 'type', envelope ->> 'subjectId', envelope from events
                order by priority desc, available_at, enqueued_at, step
            )
            select * from claimed order by priority desc, available_at, enqueued_at""";

    /**
     * Extends the lease by the order's timeout; answers with the order, whether its task waits for
     * an answer to a question the worker asked, and the answers its questions of this attempt got.
     * Accepted while the task waits, however long (the lease is paused then).
     */
    public Uni<WorkOrderDtos.Heartbeat> heartbeat(Caller caller, UUID id) {
        UUID workerId = workerOf(caller);
        return dispatcher.transaction(() -> leased(workerId, id).chain(held -> {
            held.order().expiresAt = Instant.now().plusSeconds(held.order().timeoutSeconds);
            return questions.answeredIn(held.order().executionId).map(answers -> new WorkOrderDtos.Heartbeat(
                    WorkOrderDtos.WorkOrderResponse.from(held.order()), held.task().awaitsAnswer(),
                    answers.stream().map(WorkOrderDtos.Answer::from).toList()));
        }));
    }

    /**
     * The wait for a person ends (the question answered, or the run reports its outcome while it
     * waits): the task runs on ({@code blocked} to {@code in_progress}) with a fresh lease from now,
     * so its worker has the whole lease to heartbeat. Needs a transaction, the order locked.
     */
    public Uni<Void> resume(WorkOrder order, Task task) {
        order.expiresAt = Instant.now().plusSeconds(order.timeoutSeconds);
        return dispatcher.changeStatus(task, TaskStatus.in_progress);
    }

    /**
     * Records a successful run. An autonomous task completes (and its dependents may be
     * dispatched); a supervised one waits in {@code blocked} for review. Completing again with the
     * same result is a no-op success.
     * <p>
     * The hot path is one SQL statement (see {@link #COMPLETE}); only when it changes nothing does a
     * second query find out why (404, 403, 409, or a repeated completion). A run that completes
     * while its task waits for an answer ends the wait first ({@link #resume}, committed on its
     * own), then completes as any run: should the second step fail, the task is running again with
     * a fresh lease and the worker's retried completion finishes it.
     */
    public Uni<WorkOrderDtos.WorkOrderResponse> complete(Caller caller, UUID id, WorkOrderDtos.Completion completion) {
        UUID workerId = workerOf(caller);
        String result = jsonText(completion.result());
        Tuple params = Tuple.tuple(Arrays.asList(id, workerId, result, completion.exitCode(),
                clip(completion.stdout()), clip(completion.stderr()), jsonText(completion.metrics()),
                TraceContext.current()));
        Tuple whyNot = Tuple.of(id, result, completion.exitCode(), workerId);
        return pool.preparedQuery(COMPLETE).execute(params).chain(rows -> {
            if (rows.size() > 0) {
                return completed(rows);
            }
            return pool.preparedQuery(WHY_NOT_COMPLETED).execute(whyNot).chain(why -> {
                if (!awaitsAnswerHeldBy(workerId, why)) {
                    return Uni.createFrom().item(alreadyCompleted(workerId, id, why));
                }
                // the run finished while its question waits: the wait ends first, then it completes as any run
                return dispatcher.transaction(() -> leased(workerId, id).chain(held -> held.task().awaitsAnswer()
                                ? resume(held.order(), held.task()) : Uni.createFrom().voidItem()))
                        .chain(() -> pool.preparedQuery(COMPLETE).execute(params))
                        .chain(again -> again.size() > 0 ? completed(again)
                                : pool.preparedQuery(WHY_NOT_COMPLETED).execute(whyNot)
                                        .map(stillNot -> alreadyCompleted(workerId, id, stillNot)));
            });
        });
    }

    /** COMPLETE changed the order (its row): dispatches the dependents when the task completed. */
    private Uni<WorkOrderDtos.WorkOrderResponse> completed(RowSet<Row> rows) {
        Row row = rows.iterator().next();
        WorkOrderDtos.WorkOrderResponse response = WorkOrderDtos.WorkOrderResponse.from(row);
        if (!row.getBoolean("dispatch_dependents")) {
            return Uni.createFrom().item(response);
        }
        // the completion has committed: should this fail, the stranded-task sweep (DispatchRounds) dispatches them
        return dispatcher.transaction(() -> dispatcher.dispatchDependentsOf(response.taskId()))
                .onFailure().invoke(failure -> LOG.warnf("Dispatching the dependents of task %s failed: %s",
                        response.taskId(), failure.getMessage()))
                .onFailure().recoverWithNull().replaceWith(response);
    }

    /**
     * Completes order $1 if worker $2 holds a live lease on it and its task is running: stores the
     * outcome ($3 result, $4 exit code, $5 stdout, $6 stderr, $7 metrics), ends the assignment,
     * moves the task to completed (or blocked awaiting review, when supervised) and records work_order.completed,
     * task.status_changed and task.completed (trace context $8). Says whether the task completed
     * and blocks others, whose dispatch follows once this has committed.
     */
    private static final String COMPLETE = """
            with done as (
                update task.work_orders o
                set status = 'completed', result = $3::text::jsonb, exit_code = $4, stdout = $5, stderr = $6,
                    metrics = $7::text::jsonb, completed_at = now()
                where o.id = $1 and o.claimed_by = $2 and o.status = 'claimed' and o.expires_at > now()
                  and (select t.status from task.tasks t where t.id = o.task_id) = 'in_progress'
                returning o.*
            ), ended as (
                update task.worker_assignments a set status = 'completed', completed_at = now()
                where a.execution_id = any(array(select execution_id from done)) and a.status = 'active'
            ), finished as (
                update task.tasks t
                set status = case t.permission_level when 'supervised' then 'blocked' else 'completed' end,
                    blocked_reason = case t.permission_level when 'supervised' then 'review' end,
                    completed_at = case t.permission_level when 'supervised' then null else now() end,
                    updated_at = now()
                where t.id = any(array(select task_id from done))
                returning t.id, t.status, t.assigned_to
            ), events as (
                select 1 as step, task.event_envelope('work_order.completed', d.id, task.work_order_changed(d),
                                                      $8::text) as envelope
                from done d
                union all
                select 2, task.event_envelope('task.status_changed', f.id,
                                              task.task_status_changed(f.id, 'in_progress', f.status, f.assigned_to), $8::text)
                from finished f
                union all
                select 3, task.event_envelope('task.completed', f.id,
                                              task.task_status_changed(f.id, 'in_progress', f.status, f.assigned_to), $8::text)
                from finished f where f.status = 'completed'
            ), recorded as (
                insert into task.outbox (id, event_type, subject_id, envelope)
                select (envelope ->> 'id')::uuid, envelope ->> 'type', envelope ->> 'subjectId', envelope from events
                order by step
            )
            select d.*, (select f.status = 'completed' from finished f) and exists (
                       select 1 from task.task_dependencies dep
                       where dep.depends_on_task_id = d.task_id and dep.dependency_type = 'blocks') as dispatch_dependents
            from done d""";

    /**
     * Order $1 as it is, whether it holds result $2 and exit code $3, its task's status and why it
     * waits, and whether worker $4 held an earlier attempt of it.
     */
    private static final String WHY_NOT_COMPLETED = """
            select o.*, o.expires_at > now() as lease_live,
                   exists (select 1 from task.worker_assignments a where a.work_order_id = o.id and a.worker_id = $4)
                       as held_before,
                   o.result is not distinct from $2::text::jsonb and o.exit_code is not distinct from $3 as same_outcome,
                   t.status as task_status, t.blocked_reason as task_blocked_reason
            from task.work_orders o join task.tasks t on t.id = o.task_id where o.id = $1""";

    /** COMPLETE changed nothing because the order's claim, held by {@code workerId}, waits for an answer. */
    private static boolean awaitsAnswerHeldBy(UUID workerId, RowSet<Row> rows) {
        if (rows.size() == 0) {
            return false;
        }
        Row row = rows.iterator().next();
        return WorkOrder.Status.claimed.name().equals(row.getString("status"))
                && workerId.equals(row.getUUID("claimed_by"))
                && TaskStatus.blocked.name().equals(row.getString("task_status"))
                && Task.BlockedReason.question.name().equals(row.getString("task_blocked_reason"));
    }

    /** COMPLETE changed nothing: a repeated completion answers as the first did; anything else is refused. */
    private static WorkOrderDtos.WorkOrderResponse alreadyCompleted(UUID workerId, UUID id, RowSet<Row> rows) {
        if (rows.size() == 0) {
            throw ProblemException.notFound("work order", id);
        }
        Row row = rows.iterator().next();
        UUID holder = row.getUUID("claimed_by");
        String status = row.getString("status");
        if (holder != null && !workerId.equals(holder)) {
            throw row.getBoolean("held_before") ? staleHolder(id)
                    : ProblemException.forbidden("work order " + id + " is leased to another worker");
        }
        if (WorkOrder.Status.completed.name().equals(status) && row.getBoolean("same_outcome")) {
            return WorkOrderDtos.WorkOrderResponse.from(row); // a retried completion: already done
        }
        if (WorkOrder.Status.claimed.name().equals(status) && row.getBoolean("lease_live")) {
            throw ProblemException.conflict("the task of work order " + id + " is no longer running");
        }
        throw ProblemException.conflict("the lease on work order " + id + " is gone (order is " + status + ")");
    }

    /** Records a failed run: retried with backoff while retries last (unless not retryable), then failed for good. */
    public Uni<WorkOrderDtos.WorkOrderResponse> fail(Caller caller, UUID id, WorkOrderDtos.Failure failure) {
        UUID workerId = workerOf(caller);
        return dispatcher.transaction(() -> leased(workerId, id).chain(held -> endAttempt(held.order(),
                WorkerAssignment.Status.failed, failure.error(), !Boolean.FALSE.equals(failure.retryable()))
                .replaceWith(held.order())).map(WorkOrderDtos.WorkOrderResponse::from));
    }

    /**
     * Expires leases whose time has passed, except those paused while their task waits for a person
     * ({@link Task.BlockedReason#pausesLease()}); needs a transaction. Returns how many.
     */
    public Uni<Integer> expireLeases(int limit) {
        return workOrders.lockExpired(Instant.now(), limit, TaskStatus.blocked.name(),
                Task.BlockedReason.pausingLease()).chain(this::expire);
    }

    /** The worker went offline: its leases end now, paused or not; needs a transaction. */
    public Uni<Integer> expireLeasesOf(UUID workerId) {
        return workOrders.claimedBy(workerId).chain(this::expire);
    }

    private Uni<Integer> expire(List<WorkOrder> orders) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (WorkOrder order : orders) {
            chain = chain.chain(() -> endAttempt(order, WorkerAssignment.Status.timeout, "lease expired", true));
        }
        return chain.map(done -> orders.size());
    }

    /**
     * Ends a failed or expired attempt: back to the queue after an exponential backoff while
     * retries are left, else failed for good (dead-lettered) together with its task.
     */
    private Uni<Void> endAttempt(WorkOrder order, WorkerAssignment.Status how, String error, boolean retryable) {
        Instant now = Instant.now();
        boolean expired = how == WorkerAssignment.Status.timeout;
        UUID execution = order.executionId;
        order.errorMessage = error;
        Uni<Void> ended = assignments.end(execution, how, now).replaceWithVoid()
                .chain(() -> dispatcher.recordOrder(expired ? TaskEvents.WORK_ORDER_EXPIRED
                        : TaskEvents.WORK_ORDER_FAILED, order));
        return ended.chain(() -> tasks.findById(order.taskId)).call(this::endWait).chain(task -> {
            if (retryable && order.retryCount < order.maxRetries) {
                order.retryCount += 1;
                order.status = WorkOrder.Status.pending;
                order.availableAt = now.plus(backoff(order.retryCount));
                order.claimedBy = null;
                order.claimedAt = null;
                order.expiresAt = null;
                order.executionId = null;
                // available again after the backoff: waiting claimers find it on their next poll
                return dispatcher.changeStatus(task, TaskStatus.queued);
            }
            order.status = expired ? WorkOrder.Status.expired : WorkOrder.Status.failed;
            order.completedAt = now;
            return dispatcher.recordOrder(TaskEvents.WORK_ORDER_DEAD_LETTERED, order)
                    .chain(() -> dispatcher.changeStatus(task, TaskStatus.failed));
        });
    }

    /** An attempt that ends while its task waits for an answer ends the wait first (its open questions withdrawn). */
    private Uni<Void> endWait(Task task) {
        return task.awaitsAnswer() ? dispatcher.changeStatus(task, TaskStatus.in_progress) : Uni.createFrom().voidItem();
    }

    /** backoff * 2^(retry-1), capped. */
    Duration backoff(int retry) {
        Duration delay = config.retryBackoff().multipliedBy(1L << Math.min(retry - 1, 20));
        return delay.compareTo(config.maxRetryBackoff()) > 0 ? config.maxRetryBackoff() : delay;
    }

    /**
     * Who holds (or held) execution {@code executionId}: the attempt task-service issued it for,
     * with that attempt's own worker, number and status, and the task's owner, agent, workflow and
     * input. Found through the assignment, since a retry clears the order's execution id. 404 when
     * task-service never issued the id.
     */
    public Uni<WorkOrderDtos.ExecutionHolder> holderOf(UUID executionId) {
        return pool.preparedQuery(HOLDER).execute(Tuple.of(executionId)).map(rows -> {
            if (rows.size() == 0) {
                throw ProblemException.notFound("execution", executionId);
            }
            return WorkOrderDtos.ExecutionHolder.from(rows.iterator().next());
        });
    }

    /** The assignment of execution $1 (execution_id is unique there) with its order and task. */
    private static final String HOLDER = """
            select a.execution_id, a.work_order_id, o.task_id, a.worker_id, a.attempt, a.status, a.assigned_at,
                   t.created_by, t.agent_id, t.workflow_id, t.input
            from task.worker_assignments a
            join task.work_orders o on o.id = a.work_order_id
            join task.tasks t on t.id = o.task_id
            where a.execution_id = $1""";

    /**
     * Who holds task {@code taskId} now: its claimed order's running attempt, as {@link #holderOf}
     * answers, while the lease holds (not run out, or paused while the task waits for a person).
     * 404 when nobody does: the task is not running, or its lease ran out.
     */
    public Uni<WorkOrderDtos.ExecutionHolder> holderOfTask(UUID taskId) {
        return pool.preparedQuery(TASK_HOLDER).execute(Tuple.of(taskId, TaskStatus.blocked.name(),
                Task.BlockedReason.pausingLease().toArray(String[]::new))).map(rows -> {
            if (rows.size() == 0) {
                throw new ProblemException(404, "not-found", "Not found", "nobody holds task " + taskId + " now");
            }
            return WorkOrderDtos.ExecutionHolder.from(rows.iterator().next());
        });
    }

    /** Task $1's claimed order and active attempt, while its lease is live or paused (task $2 for a reason in $3). */
    private static final String TASK_HOLDER = """
            select a.execution_id, a.work_order_id, o.task_id, a.worker_id, a.attempt, a.status, a.assigned_at,
                   t.created_by, t.agent_id, t.workflow_id, t.input
            from task.work_orders o
            join task.worker_assignments a on a.execution_id = o.execution_id and a.status = 'active'
            join task.tasks t on t.id = o.task_id
            where o.task_id = $1 and o.status = 'claimed'
              and (o.expires_at > now() or t.status = $2 and t.blocked_reason = any($3))""";

    @WithSession
    /**
     * A work order, for its task's owner, admins, services and the worker holding it; 404 for
     * anyone else (its payload is the task's: what one may not see does not exist).
     */
    public Uni<WorkOrderDtos.WorkOrderResponse> get(Caller caller, UUID id) {
        return workOrders.findById(id).chain(order -> {
            if (order == null || caller.hasRole(Roles.WORKER) && !caller.is(order.claimedBy)) {
                return Uni.createFrom().failure(ProblemException.notFound("work order", id));
            }
            if (caller.hasRole(Roles.WORKER) || caller.isAdmin() || caller.hasRole(Roles.SERVICE)) {
                return Uni.createFrom().item(WorkOrderDtos.WorkOrderResponse.from(order));
            }
            return tasks.findById(order.taskId).map(task -> {
                if (task == null || !caller.is(task.createdBy)) {
                    throw ProblemException.notFound("work order", id);
                }
                return WorkOrderDtos.WorkOrderResponse.from(order);
            });
        });
    }

    /** A claimed order, locked, and its task. */
    private record Held(WorkOrder order, Task task) {
    }

    /** A worker whose lease ended and the order was claimed again (by another, or by itself anew). */
    private static ProblemException staleHolder(UUID id) {
        return ProblemException.conflict("the lease on work order " + id + " is gone: a later claim holds it");
    }

    /**
     * The order, locked, and its task, if {@code workerId} holds a live (or paused) lease on it:
     * 409 when its lease is gone (even if a later claim holds it), 403 when it never held it.
     */
    private Uni<Held> leased(UUID workerId, UUID id) {
        return workOrders.findById(id, LockModeType.PESSIMISTIC_WRITE).chain(order -> {
            if (order == null) {
                throw ProblemException.notFound("work order", id);
            }
            if (order.claimedBy != null && !workerId.equals(order.claimedBy)) {
                return assignments.count("workOrderId = ?1 and workerId = ?2", id, workerId).chain(held ->
                        Uni.createFrom().<Held>failure(held > 0 ? staleHolder(id)
                                : ProblemException.forbidden("work order " + id + " is leased to another worker")));
            }
            return tasks.findById(order.taskId).map(task -> {
                if (!order.leaseHeld(Instant.now(), task)) {
                    throw ProblemException.conflict("the lease on work order " + id + " is gone (order is "
                            + order.status + ")");
                }
                return new Held(order, task);
            });
        });
    }

    private static UUID workerOf(Caller caller) {
        if (!caller.hasRole(Roles.WORKER)) {
            throw ProblemException.forbidden("only worker identities claim and run work orders");
        }
        return caller.id();
    }

    /** JSON text for a jsonb parameter (bound as text, then cast: see Outbox), or SQL null. */
    private static String jsonText(Map<String, Object> value) {
        return value == null ? null : new JsonObject(value).encode();
    }

    /** The end of the output, where a run's outcome and errors are (and the events' tails come from). */
    private static String clip(String output) {
        return output == null || output.length() <= WorkOrderDtos.MAX_OUTPUT ? output
                : output.substring(output.length() - WorkOrderDtos.MAX_OUTPUT);
    }
}
