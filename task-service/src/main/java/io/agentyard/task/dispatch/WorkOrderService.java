package io.agentyard.task.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import io.agentyard.shared.events.TaskEvents;
import io.agentyard.shared.events.EventTracing;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.agentyard.task.config.TaskServiceConfig;
import io.agentyard.task.question.TaskQuestionRepository;
import io.agentyard.task.task.Task;
import io.agentyard.task.task.TaskRepository;
import io.agentyard.task.task.TaskStatus;
import io.agentyard.task.worker.WorkerStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The worker's side of dispatch: claim (a lease), heartbeat, complete, fail; and what happens when
 * a lease runs out. Each claim takes the order's next attempt number, its fencing token: heartbeat,
 * complete and fail present it, and only the holder of the current attempt's live lease may act
 * (a holder of an earlier attempt is told 409, even when it holds the current one too), except to
 * repeat a completion it already made. Claims and completions are group-committed ({@link
 * GroupCommit}); their SQL is in {@link WorkOrderQueue}.
 */
@ApplicationScoped
public class WorkOrderService {

    private static final Logger LOG = Logger.getLogger(WorkOrderService.class);
    private static final String CANCELLED = "task cancelled";

    private final WorkOrderRepository workOrders;
    private final WorkerAssignmentRepository assignments;
    private final TaskRepository tasks;
    private final Dispatcher dispatcher;
    private final ClaimWaiters waiters;
    private final TaskServiceConfig config;
    private final Pool pool;
    private final TaskQuestionRepository questions;
    private final WorkOrderQueue queue;
    private final DispatchMetrics dispatchMetrics;
    private final GroupCommit<PendingClaim, WorkOrderQueue.ClaimResult> claims;
    private final GroupCommit<WorkOrderQueue.Completion, Optional<Row>> completions;
    private final EventTracing tracing;

    WorkOrderService(WorkOrderRepository workOrders, WorkerAssignmentRepository assignments, TaskRepository tasks,
                     Dispatcher dispatcher, ClaimWaiters waiters, TaskServiceConfig config, Pool pool,
                     TaskQuestionRepository questions, WorkOrderQueue queue, MeterRegistry metrics,
                     EventTracing tracing, DispatchMetrics dispatchMetrics) {
        this.tracing = tracing;
        this.dispatchMetrics = dispatchMetrics;
        this.questions = questions;
        this.workOrders = workOrders;
        this.assignments = assignments;
        this.tasks = tasks;
        this.dispatcher = dispatcher;
        this.waiters = waiters;
        this.config = config;
        this.pool = pool;
        this.queue = queue;
        // a worker's two claims in one statement would both count its free slots before either took one
        this.claims = new GroupCommit<>("claims", config.maxCoalesced(), claim -> claim.request().workerId(),
                batch -> pool.withConnection(connection -> claimBatch(connection, batch)), metrics);
        this.completions = new GroupCommit<>("completions", config.maxCoalesced(), WorkOrderQueue.Completion::id,
                batch -> pool.withConnection(connection -> WorkOrderQueue.inOneTransaction(connection,
                                queue.complete(connection, batch)))
                        .map(done -> batch.stream().map(c -> Optional.ofNullable(done.get(c.id()))).toList()),
                metrics);
    }

    /** A claim waiting for its batch: from these queues. */
    private record PendingClaim(List<String> queues, WorkOrderQueue.ClaimRequest request) {
    }

    /**
     * Claims up to {@code max} orders (never more than the worker's free slots); with nothing
     * available, waits up to {@code waitSeconds} for work to arrive. An empty list means none came.
     */
    public Uni<List<WorkOrderDtos.ClaimedOrder>> claim(Caller caller, WorkOrderDtos.Claim request) {
        UUID workerId = workerOf(caller);
        int max = request.max() == null ? 1 : request.max();
        Instant deadline = Instant.now().plusSeconds(request.waitSeconds() == null ? 0 : request.waitSeconds());
        List<String> queues = request.queues().stream().distinct().sorted().toList();
        return claimUntil(new PendingClaim(queues, new WorkOrderQueue.ClaimRequest(workerId, max,
                tracing.traceparent())), deadline, Vertx.currentContext());
    }

    /**
     * Claims, and while nothing came and time is left, waits to be woken and claims again. A woken
     * claim is sent from the waking thread ({@link ClaimWaiters#await}); every answer comes back on
     * {@code caller}, the request's own context.
     */
    private Uni<List<WorkOrderDtos.ClaimedOrder>> claimUntil(PendingClaim claim, Instant deadline, Context caller) {
        return claims.submit(claim, caller).invoke(dispatchMetrics::claimed) // answered after the commit
                .map(result -> ordersOf(claim.request().workerId(), result))
                .chain(claimed -> {
                    Duration left = Duration.between(Instant.now(), deadline);
                    // a stopping replica answers at once: the worker claims again from another one
                    if (!claimed.isEmpty() || left.isNegative() || left.isZero() || waiters.draining()) {
                        return Uni.createFrom().item(claimed);
                    }
                    // no polling of its own: an announcement or the replica's fallback poll wakes it
                    return waiters.await(claim.queues(), left).chain(() -> claimUntil(claim, deadline, caller));
                });
    }

    /** The orders a claim got, or why it got none: 403 for a worker task-service does not know, 409 for one that may not claim. */
    private static List<WorkOrderDtos.ClaimedOrder> ordersOf(UUID workerId, WorkOrderQueue.ClaimResult result) {
        if (result.workerStatus() == null) {
            throw ProblemException.forbidden("worker " + workerId + " is not registered (agent-service)");
        }
        if (!WorkerStatus.mayClaim(result.workerStatus())) {
            throw new ProblemException(409, "worker-not-ready", "Worker not ready", "worker " + workerId + " is "
                    + result.workerStatus() + ": it heartbeats agent-service (POST /api/workers/" + workerId
                    + "/heartbeat) before it claims");
        }
        return result.orders();
    }

    /**
     * One batch of claims in one transaction, its statements sent together: the claims on the same
     * queues in one statement after locking their workers (sorted, so concurrent batches lock workers
     * in one order), each group after the other.
     */
    private Uni<List<WorkOrderQueue.ClaimResult>> claimBatch(SqlConnection connection, List<PendingClaim> batch) {
        Map<List<String>, List<Integer>> byQueues = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            byQueues.computeIfAbsent(batch.get(i).queues(), q -> new ArrayList<>()).add(i);
        }
        WorkOrderQueue.ClaimResult[] results = new WorkOrderQueue.ClaimResult[batch.size()];
        List<Uni<?>> statements = new ArrayList<>();
        for (Map.Entry<List<String>, List<Integer>> group : byQueues.entrySet()) {
            List<Integer> members = group.getValue().stream()
                    .sorted(Comparator.comparing(i -> batch.get(i).request().workerId())).toList();
            WorkOrderQueue.ClaimParams params = new WorkOrderQueue.ClaimParams(group.getKey(),
                    members.stream().map(i -> batch.get(i).request()).toList(), config.leaseInterval(),
                    config.defaultTimeout());
            statements.add(queue.lockWorkers(connection, params.requests().stream()
                    .map(WorkOrderQueue.ClaimRequest::workerId).toList()));
            statements.add(queue.claim(connection, params).invoke(found -> {
                for (int k = 0; k < members.size(); k++) {
                    results[members.get(k)] = found.get(k);
                }
            }));
        }
        return WorkOrderQueue.inOneTransaction(connection, statements).map(done -> Arrays.asList(results));
    }

    /**
     * Extends the lease by a lease interval, never past the attempt's deadline; answers with the
     * order, whether its task was cancelled (the worker stops; its later calls are refused), whether
     * it waits for an answer to a question the worker asked, and the answers its questions of this
     * attempt got. Accepted while the task waits, however long (the lease is paused then).
     */
    public Uni<WorkOrderDtos.Heartbeat> heartbeat(Caller caller, UUID id, int attempt) {
        UUID workerId = workerOf(caller);
        return dispatcher.transaction(() -> heldAttempt(workerId, id, attempt).chain(held -> {
            WorkOrder order = held.order();
            if (order.status == WorkOrder.Status.cancelled) {
                return Uni.createFrom().item(new WorkOrderDtos.Heartbeat(WorkOrderDtos.WorkOrderResponse.from(order),
                        true, false, List.of()));
            }
            Instant now = Instant.now();
            requireLive(held, now);
            order.expiresAt = leaseFrom(now, order.deadlineAt);
            return questions.answeredIn(order.executionId).map(answers -> new WorkOrderDtos.Heartbeat(
                    WorkOrderDtos.WorkOrderResponse.from(order), false, held.task().awaitsAnswer(),
                    answers.stream().map(WorkOrderDtos.Answer::from).toList()));
        }));
    }

    /** A lease taken or renewed at {@code now}: one lease interval, but not past the attempt's deadline. */
    private Instant leaseFrom(Instant now, Instant deadline) {
        Instant lease = now.plus(config.leaseInterval());
        return deadline != null && deadline.isBefore(lease) ? deadline : lease;
    }

    /**
     * The wait for a person ends (the question answered, or the run reports its outcome while it
     * waits): the task runs on ({@code blocked} to {@code in_progress}) with a fresh lease from now,
     * and the attempt's deadline moves by the time it waited. Needs a transaction, the order locked.
     */
    public Uni<Void> resume(WorkOrder order, Task task) {
        Instant now = Instant.now();
        if (order.deadlineAt != null && task.updatedAt != null) {
            order.deadlineAt = order.deadlineAt.plus(Duration.between(task.updatedAt, now));
        }
        order.expiresAt = leaseFrom(now, order.deadlineAt);
        return dispatcher.changeStatus(task, TaskStatus.in_progress);
    }

    /**
     * Records a successful run. An autonomous task completes (and its dependents may be
     * dispatched); a supervised one waits in {@code blocked} for review. Completing again with the
     * same result is a no-op success.
     * <p>
     * The hot path is one group-committed statement ({@link WorkOrderQueue#COMPLETE}); only when it
     * changes nothing does a second query find out why (404, 403, 409, or a repeated completion). A
     * run that completes while its task waits for an answer ends the wait first ({@link #resume},
     * committed on its own), then completes as any run: should the second step fail, the task is
     * running again with a fresh lease and the worker's retried completion finishes it.
     * <p>
     * A completion that names its {@code next} claim gets that claim's orders in the same answer,
     * claimed after the completion committed: one request per order instead of two.
     */
    public Uni<WorkOrderDtos.Completed> complete(Caller caller, UUID id, WorkOrderDtos.Completion completion) {
        WorkOrderQueue.Completion done = completionOf(workerOf(caller), id, completion);
        return settle(done, completions.submit(done)).chain(order -> claimNext(caller, completion.next())
                .map(next -> new WorkOrderDtos.Completed(order, next)));
    }

    /**
     * The claim a completion asked for, once the completion is settled; null when it asked none. A
     * worker that may not claim now gets none: the completion stands, and a claim of its own says why.
     */
    private Uni<List<WorkOrderDtos.ClaimedOrder>> claimNext(Caller caller, WorkOrderDtos.Claim next) {
        if (next == null) {
            return Uni.createFrom().nullItem();
        }
        return claim(caller, next).onFailure(ProblemException.class).recoverWithItem(List.of());
    }

    /**
     * Records several successful runs of the caller's, each exactly as {@link #complete} would: one
     * refused (404, 403, 409) leaves the others recorded and says why in its outcome. They reach the
     * group commit together, so one transaction takes them (up to its batch size). The {@code next}
     * claim, if asked, runs once all are settled.
     */
    public Uni<WorkOrderDtos.CompletionOutcomes> completeAll(Caller caller, WorkOrderDtos.Completions request) {
        List<WorkOrderDtos.CompletionItem> items = request.completions();
        UUID workerId = workerOf(caller);
        Set<UUID> ids = new HashSet<>();
        for (WorkOrderDtos.CompletionItem item : items) {
            if (!ids.add(item.id())) {
                throw ProblemException.unprocessable("completions", "work order " + item.id() + " appears twice");
            }
        }
        List<WorkOrderQueue.Completion> dones = items.stream()
                .map(item -> completionOf(workerId, item.id(), item.completion())).toList();
        return Uni.createFrom().deferred(() -> {
            List<Uni<Optional<Row>>> submitted = completions.submitAll(dones);
            List<Uni<WorkOrderDtos.CompletionOutcome>> outcomes = new ArrayList<>(dones.size());
            for (int i = 0; i < dones.size(); i++) {
                WorkOrderQueue.Completion done = dones.get(i);
                outcomes.add(settle(done, submitted.get(i)).map(WorkOrderDtos.CompletionOutcome::completed)
                        .onFailure(ProblemException.class).recoverWithItem(refusal ->
                                WorkOrderDtos.CompletionOutcome.refused(done.id(), (ProblemException) refusal)));
            }
            return Uni.join().all(outcomes).andFailFast().chain(results -> claimNext(caller, request.next())
                    .map(next -> new WorkOrderDtos.CompletionOutcomes(results, next)));
        });
    }

    private WorkOrderQueue.Completion completionOf(UUID workerId, UUID id, WorkOrderDtos.Completion completion) {
        return new WorkOrderQueue.Completion(id, workerId, completion.attempt(), jsonText(completion.result()),
                completion.exitCode(), clip(completion.stdout()), clip(completion.stderr()),
                jsonText(completion.metrics()), tracing.traceparent());
    }

    /** What the group-committed COMPLETE of {@code done} comes to: the order, or why it was not completed. */
    private Uni<WorkOrderDtos.WorkOrderResponse> settle(WorkOrderQueue.Completion done, Uni<Optional<Row>> committed) {
        UUID workerId = done.workerId();
        UUID id = done.id();
        return committed.chain(row -> {
            if (row.isPresent()) {
                return completed(row.get());
            }
            return queue.whyNotCompleted(pool, done).chain(why -> {
                if (!awaitsAnswer(done, why)) {
                    return Uni.createFrom().item(alreadyCompleted(done, why));
                }
                // the run finished while its question waits: the wait ends first, then it completes as any run
                return dispatcher.transaction(() -> heldAttempt(workerId, id, done.attempt())
                                .chain(held -> held.task().awaitsAnswer()
                                        ? resume(held.order(), held.task()) : Uni.createFrom().voidItem()))
                        .chain(() -> completions.submit(done))
                        .chain(again -> again.isPresent() ? completed(again.get())
                                : queue.whyNotCompleted(pool, done).map(stillNot -> alreadyCompleted(done, stillNot)));
            });
        });
    }

    /** COMPLETE changed the order (its row): dispatches the dependents when the task completed. */
    private Uni<WorkOrderDtos.WorkOrderResponse> completed(Row row) {
        WorkOrderDtos.WorkOrderResponse response = WorkOrderDtos.WorkOrderResponse.from(row);
        dispatchMetrics.completed(response.queue());
        if (!row.getBoolean("dispatch_dependents")) {
            return Uni.createFrom().item(response);
        }
        // the completion has committed: should this fail, the stranded-task sweep (DispatchRounds) dispatches them
        return dispatcher.transaction(() -> dispatcher.dispatchDependentsOf(response.taskId()))
                .onFailure().invoke(failure -> LOG.warnf("Dispatching the dependents of task %s failed: %s",
                        response.taskId(), failure.getMessage()))
                .onFailure().recoverWithNull().replaceWith(response);
    }

    /** COMPLETE changed nothing because the worker's attempt waits for an answer to its question. */
    private static boolean awaitsAnswer(WorkOrderQueue.Completion done, Row row) {
        return row != null && WorkOrder.Status.claimed.name().equals(row.getString("status"))
                && done.workerId().equals(row.getUUID("claimed_by")) && done.attempt() == row.getInteger("attempt")
                && TaskStatus.blocked.name().equals(row.getString("task_status"))
                && Task.BlockedReason.question.name().equals(row.getString("task_blocked_reason"));
    }

    /** COMPLETE changed nothing: a repeated completion answers as the first did; anything else is refused. */
    private static WorkOrderDtos.WorkOrderResponse alreadyCompleted(WorkOrderQueue.Completion done, Row row) {
        if (row == null) {
            throw ProblemException.notFound("work order", done.id());
        }
        if (!row.getBoolean("held_attempt")) {
            throw notYours(done.id(), done.attempt());
        }
        String status = row.getString("status");
        if (WorkOrder.Status.cancelled.name().equals(status)) {
            throw cancelled(done.id());
        }
        if (row.getInteger("attempt") != done.attempt()) {
            throw staleAttempt(done.id(), done.attempt(), row.getInteger("attempt"));
        }
        if (WorkOrder.Status.completed.name().equals(status) && row.getBoolean("same_outcome")) {
            return WorkOrderDtos.WorkOrderResponse.from(row); // a retried completion: already done
        }
        if (WorkOrder.Status.claimed.name().equals(status) && row.getBoolean("lease_live")) {
            throw ProblemException.conflict("the task of work order " + done.id() + " is no longer running");
        }
        throw leaseGone(done.id(), status);
    }

    /** Records a failed run: retried with backoff while retries last (unless not retryable), then failed for good. */
    public Uni<WorkOrderDtos.WorkOrderResponse> fail(Caller caller, UUID id, WorkOrderDtos.Failure failure) {
        UUID workerId = workerOf(caller);
        return dispatcher.transaction(() -> heldAttempt(workerId, id, failure.attempt()).chain(held -> {
            if (held.order().status == WorkOrder.Status.cancelled) {
                throw cancelled(id);
            }
            requireLive(held, Instant.now());
            return endAttempt(held.order(), WorkerAssignment.Status.failed, failure.error(),
                    !Boolean.FALSE.equals(failure.retryable())).replaceWith(held.order());
        }).map(WorkOrderDtos.WorkOrderResponse::from));
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
     * The task was cancelled: its waiting or running orders end {@code cancelled}, and a running
     * attempt with them. The order keeps its worker and attempt, so that worker's next heartbeat
     * says the order was cancelled and its other calls are refused (409). Needs a transaction.
     */
    public Uni<Void> withdrawOrdersOf(UUID taskId) {
        Instant now = Instant.now();
        return workOrders.openOf(taskId).chain(orders -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (WorkOrder order : orders) {
                boolean running = order.status == WorkOrder.Status.claimed;
                order.status = WorkOrder.Status.cancelled;
                order.errorMessage = CANCELLED;
                order.completedAt = now;
                chain = chain.chain(() -> running ? assignments.end(order.executionId,
                                WorkerAssignment.Status.cancelled, now, CANCELLED).replaceWithVoid()
                                : Uni.createFrom().voidItem())
                        .chain(() -> dispatcher.recordOrder(TaskEvents.WORK_ORDER_CANCELLED, order));
            }
            return chain;
        });
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
        Uni<Void> ended = assignments.end(execution, how, now, error).replaceWithVoid()
                .chain(() -> dispatcher.recordOrder(expired ? TaskEvents.WORK_ORDER_EXPIRED
                        : TaskEvents.WORK_ORDER_FAILED, order));
        return ended.chain(() -> tasks.findById(order.taskId)).call(this::endWait).chain(task -> {
            boolean retry = retryable && order.retryCount < order.maxRetries;
            dispatchMetrics.attemptEnded(order.queue, expired, retry);
            if (retry) {
                order.retryCount += 1;
                order.requeue(now.plus(backoff(order.retryCount)));
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
        return queue.holderOf(pool, executionId).map(row -> {
            if (row == null) {
                throw ProblemException.notFound("execution", executionId);
            }
            return WorkOrderDtos.ExecutionHolder.from(row);
        });
    }

    /**
     * Who holds task {@code taskId} now: its claimed order's running attempt, as {@link #holderOf}
     * answers, while the lease holds (not run out, or paused while the task waits for a person).
     * 404 when nobody does: the task is not running, or its lease ran out.
     */
    public Uni<WorkOrderDtos.ExecutionHolder> holderOfTask(UUID taskId) {
        return queue.holderOfTask(pool, taskId).map(row -> {
            if (row == null) {
                throw new ProblemException(404, "not-found", "Not found", "nobody holds task " + taskId + " now");
            }
            return WorkOrderDtos.ExecutionHolder.from(row);
        });
    }

    /**
     * A work order, for its task's owner, admins, services and the worker holding it; 404 for
     * anyone else (its payload is the task's: what one may not see does not exist).
     */
    @WithSession
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

    /** An order, locked, at the attempt its worker presented, and its task. */
    private record Held(WorkOrder order, Task task) {
    }

    /**
     * The order, locked, and its task, if {@code workerId} holds attempt {@code attempt} of it (its
     * lease may have run out, or the task been cancelled: the caller decides). 404 when the order
     * does not exist, 409 when the worker held that attempt but a later claim holds the order (even
     * its own), 403 when that attempt was never the worker's.
     */
    private Uni<Held> heldAttempt(UUID workerId, UUID id, int attempt) {
        return workOrders.findById(id, LockModeType.PESSIMISTIC_WRITE).chain(order -> {
            if (order == null) {
                throw ProblemException.notFound("work order", id);
            }
            if (order.attempt == attempt && workerId.equals(order.claimedBy)) {
                return tasks.findById(order.taskId).map(task -> new Held(order, task));
            }
            return assignments.count("workOrderId = ?1 and workerId = ?2 and attempt = ?3", id, workerId, attempt)
                    .map(held -> {
                        if (held == 0) {
                            throw notYours(id, attempt);
                        }
                        if (order.attempt != attempt) {
                            throw staleAttempt(id, attempt, order.attempt);
                        }
                        throw leaseGone(id, order.status);
                    });
        });
    }

    /** 409 unless the held attempt's lease is live (or paused while its task waits for a person). */
    private static void requireLive(Held held, Instant now) {
        if (!held.order().leaseHeld(now, held.task())) {
            throw leaseGone(held.order().id, held.order().status);
        }
    }

    private static ProblemException leaseGone(UUID id, Object status) {
        return ProblemException.conflict("the lease on work order " + id + " is gone (order is " + status + ")");
    }

    private static ProblemException notYours(UUID id, int attempt) {
        return ProblemException.forbidden("attempt " + attempt + " of work order " + id + " is not this worker's");
    }

    /** A worker presenting an attempt whose lease ended; the order was claimed again since. */
    private static ProblemException staleAttempt(UUID id, int attempt, int current) {
        return ProblemException.conflict("the lease of attempt " + attempt + " on work order " + id
                + " is gone: attempt " + current + " holds it now");
    }

    private static ProblemException cancelled(UUID id) {
        return new ProblemException(409, "work-order-cancelled", "Work order cancelled",
                "the task of work order " + id + " was cancelled: the worker stops");
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
