package io.agentyard.task.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.agentyard.shared.events.TaskEvents;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.agentyard.task.config.TaskServiceConfig;
import io.agentyard.task.task.Task;
import io.agentyard.task.task.TaskRepository;
import io.agentyard.task.task.TaskStatus;
import io.agentyard.task.worker.KnownWorkerRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/**
 * The worker's side of dispatch: claim (a lease), heartbeat, complete, fail; and what happens when
 * a lease runs out. Only the lease holder may act on a claimed order; once the lease is gone, it
 * may not (409), except to repeat a completion it already made.
 */
@ApplicationScoped
public class WorkOrderService {

    private final WorkOrderRepository workOrders;
    private final WorkerAssignmentRepository assignments;
    private final KnownWorkerRepository workers;
    private final TaskRepository tasks;
    private final Dispatcher dispatcher;
    private final ClaimWaiters waiters;
    private final TaskServiceConfig config;

    WorkOrderService(WorkOrderRepository workOrders, WorkerAssignmentRepository assignments,
                     KnownWorkerRepository workers, TaskRepository tasks, Dispatcher dispatcher, ClaimWaiters waiters,
                     TaskServiceConfig config) {
        this.workOrders = workOrders;
        this.assignments = assignments;
        this.workers = workers;
        this.tasks = tasks;
        this.dispatcher = dispatcher;
        this.waiters = waiters;
        this.config = config;
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
        return dispatcher.transaction(() -> claimNow(workerId, queues, max)).chain(claimed -> {
            Duration left = Duration.between(Instant.now(), deadline);
            if (!claimed.isEmpty() || left.isNegative() || left.isZero()) {
                return Uni.createFrom().item(claimed);
            }
            Duration nap = left.compareTo(config.claimPollInterval()) < 0 ? left : config.claimPollInterval();
            return waiters.await(queues, nap).chain(() -> claimUntil(workerId, queues, max, deadline));
        });
    }

    private Uni<List<WorkOrderDtos.ClaimedOrder>> claimNow(UUID workerId, List<String> queues, int max) {
        // Locking the worker's row serialises its claims, so its slot count cannot be overrun.
        return workers.findById(workerId, LockModeType.PESSIMISTIC_WRITE).chain(worker -> {
            if (worker == null) {
                throw ProblemException.forbidden("worker " + workerId + " is not registered (agent-service)");
            }
            return workOrders.heldBy(workerId).chain(held -> {
                int slots = (int) Math.min(max, worker.maxConcurrentTasks - held);
                return slots <= 0 ? Uni.createFrom().item(List.<WorkOrder>of())
                        : workOrders.lockAvailable(queues, slots);
            });
        }).chain(orders -> orders.isEmpty() ? Uni.createFrom().item(List.of()) : start(workerId, orders));
    }

    /** Leases the locked orders to the worker and puts their tasks in progress. */
    private Uni<List<WorkOrderDtos.ClaimedOrder>> start(UUID workerId, List<WorkOrder> orders) {
        Instant now = Instant.now();
        List<WorkerAssignment> started = new ArrayList<>();
        for (WorkOrder order : orders) {
            order.status = WorkOrder.Status.claimed;
            order.claimedBy = workerId;
            order.claimedAt = now;
            order.expiresAt = now.plusSeconds(order.timeoutSeconds);
            order.executionId = UUID.randomUUID();
            WorkerAssignment assignment = new WorkerAssignment();
            assignment.id = UUID.randomUUID();
            assignment.workerId = workerId;
            assignment.workOrderId = order.id;
            assignment.executionId = order.executionId;
            assignment.status = WorkerAssignment.Status.active;
            assignment.assignedAt = now;
            started.add(assignment);
        }
        return assignments.persist(started)
                .chain(() -> tasks.list("id in ?1", orders.stream().map(o -> o.taskId).toList()))
                .chain(list -> {
                    Map<UUID, Task> byId = list.stream().collect(Collectors.toMap(t -> t.id, Function.identity()));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (WorkOrder order : orders) {
                        Task task = byId.get(order.taskId);
                        task.assignedTo = workerId;
                        chain = chain.chain(() -> dispatcher.changeStatus(task, TaskStatus.in_progress))
                                .chain(() -> dispatcher.recordOrder(TaskEvents.WORK_ORDER_CLAIMED, order));
                    }
                    return chain;
                })
                .map(done -> orders.stream().map(WorkOrderDtos.ClaimedOrder::from).toList());
    }

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
