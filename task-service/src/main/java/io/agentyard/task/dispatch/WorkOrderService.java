package io.agentyard.task.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.events.TaskEvents;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.agentyard.task.config.TaskServiceConfig;
import io.agentyard.task.task.Task;
import io.agentyard.task.task.TaskRepository;
import io.agentyard.task.task.TaskStatus;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The worker's side of dispatch: claim (a lease), heartbeat, complete, fail; and what happens when
 * a lease runs out. Only the lease holder may act on a claimed order; once the lease is gone, it
 * may not (409), except to repeat a completion it already made.
 */
@ApplicationScoped
public class WorkOrderService {

    private final WorkOrderRepository workOrders;
    private final WorkerAssignmentRepository assignments;
    private final TaskRepository tasks;
    private final Dispatcher dispatcher;
    private final ClaimWaiters waiters;
    private final TaskServiceConfig config;
    private final Pool pool;
    private final Outbox outbox;

    WorkOrderService(WorkOrderRepository workOrders, WorkerAssignmentRepository assignments, TaskRepository tasks,
                     Dispatcher dispatcher, ClaimWaiters waiters, TaskServiceConfig config, Pool pool, Outbox outbox) {
        this.workOrders = workOrders;
        this.assignments = assignments;
        this.tasks = tasks;
        this.dispatcher = dispatcher;
        this.waiters = waiters;
        this.config = config;
        this.pool = pool;
        this.outbox = outbox;
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
        return claimUntil(workerId, queues, max, deadline);
    }

    private Uni<List<WorkOrderDtos.ClaimedOrder>> claimUntil(UUID workerId, List<String> queues, int max,
                                                              Instant deadline) {
        return pool.withTransaction(connection -> claimNow(connection, workerId, queues, max)).chain(claimed -> {
            Duration left = Duration.between(Instant.now(), deadline);
            if (!claimed.isEmpty() || left.isNegative() || left.isZero()) {
                return Uni.createFrom().item(claimed);
            }
            Duration nap = left.compareTo(config.claimPollInterval()) < 0 ? left : config.claimPollInterval();
            return waiters.await(queues, nap).chain(() -> claimUntil(workerId, queues, max, deadline));
        });
    }

    /**
     * The claim is the hot path, so it talks SQL directly in three round trips: lock the worker's
     * row (serialising its claims, so its free slots cannot be overrun) and count them; lease the
     * orders and start their tasks in one statement; record the events in one batch.
     */
    private Uni<List<WorkOrderDtos.ClaimedOrder>> claimNow(SqlConnection connection, UUID workerId,
                                                          List<String> queues, int max) {
        return connection.preparedQuery("""
                        select w.max_concurrent_tasks - (select count(*) from task.work_orders o
                                                         where o.claimed_by = w.id and o.status = 'claimed')
                        from task.workers w where w.id = $1 for update""")
                .execute(Tuple.of(workerId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.forbidden("worker " + workerId + " is not registered (agent-service)");
                    }
                    long slots = Math.min(max, rows.iterator().next().getLong(0));
                    return slots <= 0 ? Uni.createFrom().item(List.<Row>of())
                            : connection.preparedQuery(CLAIM).execute(Tuple.of(workerId, queues.toArray(String[]::new),
                                    slots)).map(claimed -> {
                                        List<Row> list = new ArrayList<>();
                                        claimed.forEach(list::add);
                                        return list;
                                    });
                })
                .chain(claimed -> {
                    List<Outbox.Event> events = new ArrayList<>();
                    List<WorkOrderDtos.ClaimedOrder> orders = new ArrayList<>();
                    for (Row row : claimed) {
                        WorkOrderDtos.ClaimedOrder order = new WorkOrderDtos.ClaimedOrder(row.getUUID("id"),
                                row.getUUID("task_id"), row.getString("queue_name"), row.getShort("priority"),
                                row.getJsonObject("payload").getMap(), row.getUUID("execution_id"),
                                row.getInteger("retry_count") + 1, row.getOffsetDateTime("expires_at").toInstant());
                        orders.add(order);
                        // the same events Dispatcher.changeStatus and recordOrder write on the Hibernate path
                        events.add(new Outbox.Event(TaskEvents.TASK_STATUS_CHANGED, order.taskId(),
                                new TaskEvents.TaskStatusChanged(order.taskId(), TaskStatus.queued.name(),
                                        TaskStatus.in_progress.name(), workerId)));
                        events.add(new Outbox.Event(TaskEvents.WORK_ORDER_CLAIMED, order.id(),
                                new TaskEvents.WorkOrderChanged(order.id(), order.taskId(), order.queue(),
                                        WorkOrder.Status.claimed.name(), order.attempt(), workerId, order.executionId(),
                                        order.leaseExpiresAt(), null)));
                    }
                    return outbox.record(connection, events).replaceWith(orders);
                });
    }

    /**
     * Leases up to $3 available orders of the queues $2 to worker $1, highest priority then oldest
     * first, skipping rows other claimers hold (so no order is ever handed to two workers);
     * creates their assignments and puts their tasks in progress.
     */
    private static final String CLAIM = """
            with picked as (
                select id from task.work_orders
                where status = 'pending' and queue_name = any($2) and available_at <= now()
                order by priority desc, available_at, enqueued_at
                limit $3
                for update skip locked
            ), claimed as (
                update task.work_orders o
                set status = 'claimed', claimed_by = $1, claimed_at = now(),
                    expires_at = now() + o.timeout_seconds * interval '1 second', execution_id = gen_random_uuid()
                from picked where o.id = picked.id
                returning o.id, o.task_id, o.queue_name, o.priority, o.payload, o.execution_id, o.retry_count,
                          o.expires_at, o.enqueued_at, o.available_at
            ), assigned as (
                insert into task.worker_assignments (id, worker_id, work_order_id, execution_id, status, assigned_at)
                select gen_random_uuid(), $1, id, execution_id, 'active', now() from claimed
            ), started as (
                update task.tasks t
                set status = 'in_progress', assigned_to = $1, started_at = coalesce(t.started_at, now()),
                    updated_at = now()
                from claimed where t.id = claimed.task_id
            )
            select * from claimed order by priority desc, available_at, enqueued_at""";

    /** Extends the lease by the order's timeout. */
    public Uni<WorkOrderDtos.WorkOrderResponse> heartbeat(Caller caller, UUID id) {
        UUID workerId = workerOf(caller);
        return dispatcher.transaction(() -> leased(workerId, id).map(order -> {
            order.expiresAt = Instant.now().plusSeconds(order.timeoutSeconds);
            return WorkOrderDtos.WorkOrderResponse.from(order);
        }));
    }

    /**
     * Records a successful run. An autonomous task completes (and its dependents may be
     * dispatched); a supervised one waits in {@code blocked} for review. Completing again with the
     * same result is a no-op success.
     */
    public Uni<WorkOrderDtos.WorkOrderResponse> complete(Caller caller, UUID id, WorkOrderDtos.Completion completion) {
        UUID workerId = workerOf(caller);
        return dispatcher.transaction(() -> workOrders.findById(id, LockModeType.PESSIMISTIC_WRITE).chain(order -> {
            if (order != null && order.status == WorkOrder.Status.completed && workerId.equals(order.claimedBy)
                    && Objects.equals(order.result, completion.result())
                    && Objects.equals(order.exitCode, completion.exitCode())) {
                return Uni.createFrom().item(order); // a retried completion: already done
            }
            return requireLease(workerId, id, order).chain(() -> {
                Instant now = Instant.now();
                order.status = WorkOrder.Status.completed;
                order.result = completion.result();
                order.exitCode = completion.exitCode();
                order.stdout = clip(completion.stdout());
                order.stderr = clip(completion.stderr());
                order.metrics = completion.metrics();
                order.completedAt = now;
                return assignments.end(order.executionId, WorkerAssignment.Status.completed, now)
                        .chain(() -> dispatcher.recordOrder(TaskEvents.WORK_ORDER_COMPLETED, order))
                        .chain(() -> tasks.findById(order.taskId))
                        .chain(task -> task.permissionLevel == Task.Permission.supervised
                                ? dispatcher.changeStatus(task, TaskStatus.blocked)
                                : dispatcher.completed(task))
                        .replaceWith(order);
            });
        }).map(WorkOrderDtos.WorkOrderResponse::from));
    }

    /** Records a failed run: retried with backoff while retries last (unless not retryable), then failed for good. */
    public Uni<WorkOrderDtos.WorkOrderResponse> fail(Caller caller, UUID id, WorkOrderDtos.Failure failure) {
        UUID workerId = workerOf(caller);
        return dispatcher.transaction(() -> leased(workerId, id).chain(order -> endAttempt(order,
                WorkerAssignment.Status.failed, failure.error(), !Boolean.FALSE.equals(failure.retryable()))
                .replaceWith(order)).map(WorkOrderDtos.WorkOrderResponse::from));
    }

    /** Expires leases whose time has passed; needs a transaction. Returns how many. */
    public Uni<Integer> expireLeases(int limit) {
        return workOrders.lockExpired(Instant.now(), limit).chain(this::expire);
    }

    /** The worker went offline: its leases end now; needs a transaction. */
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
        return ended.chain(() -> tasks.findById(order.taskId)).chain(task -> {
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

    /** backoff * 2^(retry-1), capped. */
    Duration backoff(int retry) {
        Duration delay = config.retryBackoff().multipliedBy(1L << Math.min(retry - 1, 20));
        return delay.compareTo(config.maxRetryBackoff()) > 0 ? config.maxRetryBackoff() : delay;
    }

    @WithSession
    public Uni<WorkOrderDtos.WorkOrderResponse> get(Caller caller, UUID id) {
        return workOrders.findById(id).map(order -> {
            if (order == null || caller.hasRole(Roles.WORKER) && !caller.is(order.claimedBy)) {
                throw ProblemException.notFound("work order", id);
            }
            return WorkOrderDtos.WorkOrderResponse.from(order);
        });
    }

    /** The order, locked, if {@code workerId} holds a live lease on it. */
    private Uni<WorkOrder> leased(UUID workerId, UUID id) {
        return workOrders.findById(id, LockModeType.PESSIMISTIC_WRITE)
                .call(order -> requireLease(workerId, id, order));
    }

    private static Uni<Void> requireLease(UUID workerId, UUID id, WorkOrder order) {
        if (order == null) {
            throw ProblemException.notFound("work order", id);
        }
        if (order.claimedBy != null && !workerId.equals(order.claimedBy)) {
            throw ProblemException.forbidden("work order " + id + " is leased to another worker");
        }
        if (order.status != WorkOrder.Status.claimed || !order.expiresAt.isAfter(Instant.now())) {
            throw ProblemException.conflict("the lease on work order " + id + " is gone (order is " + order.status + ")");
        }
        return Uni.createFrom().voidItem();
    }

    private static UUID workerOf(Caller caller) {
        if (!caller.hasRole(Roles.WORKER)) {
            throw ProblemException.forbidden("only worker identities claim and run work orders");
        }
        return caller.id();
    }

    private static String clip(String output) {
        return output == null || output.length() <= WorkOrderDtos.MAX_OUTPUT ? output
                : output.substring(0, WorkOrderDtos.MAX_OUTPUT);
    }
}
