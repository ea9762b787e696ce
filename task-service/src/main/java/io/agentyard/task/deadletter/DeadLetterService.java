package io.agentyard.task.deadletter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.FlushMode;

import io.agentyard.shared.events.TaskEvents;
import io.agentyard.shared.page.Cursor;
import io.agentyard.shared.page.CursorPage;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.task.deadletter.DeadLetterAction.Action;
import io.agentyard.task.dispatch.Dispatcher;
import io.agentyard.task.dispatch.WorkOrder;
import io.agentyard.task.dispatch.WorkerAssignmentRepository;
import io.agentyard.task.task.Task;
import io.agentyard.task.task.TaskRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Dead work orders (failed or expired for good, their task failed), for the people who run the
 * platform: list and inspect them, put them back on their queue (redrive) or delete them (purge).
 * Admins see and act on all, services read all, a developer sees and acts on the dead orders of
 * the tasks they created only. Every redrive and purge is recorded, one row per order, in the
 * transaction that does it.
 */
@ApplicationScoped
public class DeadLetterService {

    /** Filters of a list or a bulk action; null fields are left out. {@code error} is contained in the last error. */
    public record Filter(String queue, String error, Instant deadSince, Instant deadBefore) {
    }

    /** A dead order (or one asked for as dead), locked, and its task. */
    private record Target(WorkOrder order, Task task) {

        boolean dead() {
            return DeadLetterRepository.isDead(order, task.status);
        }
    }

    /** What a bulk call acts on, and what it leaves alone. */
    private record Selected(List<Target> targets, List<DeadLetterDtos.Skipped> skipped) {
    }

    private final DeadLetterRepository deadLetters;
    private final DeadLetterActionRepository actions;
    private final WorkerAssignmentRepository assignments;
    private final TaskRepository tasks;
    private final Dispatcher dispatcher;

    DeadLetterService(DeadLetterRepository deadLetters, DeadLetterActionRepository actions,
                      WorkerAssignmentRepository assignments, TaskRepository tasks, Dispatcher dispatcher) {
        this.deadLetters = deadLetters;
        this.actions = actions;
        this.assignments = assignments;
        this.tasks = tasks;
        this.dispatcher = dispatcher;
    }

    /** Newest first, {@code limit} at a time, continuing after {@code cursor}. */
    @WithSession
    public Uni<CursorPage<DeadLetterDtos.DeadLetterSummary>> list(Caller caller, Filter filter, String cursor,
                                                                  int limit) {
        return deadLetters.page(filter, caller.readableOwner(), Cursor.parse(cursor), limit)
                .map(found -> CursorPage.of(found, limit, last -> new Cursor(last.completedAt, last.id).encode())
                        .map(DeadLetterDtos.DeadLetterSummary::from));
    }

    /** A dead order and each of its attempts; 404 when it is not dead, or not the caller's to see. */
    @WithSession
    public Uni<DeadLetterDtos.DeadLetterDetail> get(Caller caller, UUID id) {
        return deadLetters.findById(id).chain(order -> order == null ? Uni.createFrom().failure(notFound(id))
                : tasks.findById(order.taskId).chain(task -> {
                    if (task == null || !caller.canRead(task.createdBy) || !DeadLetterRepository.isDead(order, task.status)) {
                        throw notFound(id);
                    }
                    return assignments.list("workOrderId = ?1", Sort.ascending("attempt", "assignedAt"), id)
                            .map(attempts -> DeadLetterDtos.DeadLetterDetail.from(order, task.createdBy, attempts));
                }));
    }

    /** Puts one dead order back on its queue: 404 unless the caller may act on it, 409 unless it is dead. */
    public Uni<DeadLetterDtos.ActionResult> redrive(Caller caller, UUID id) {
        return one(caller, Action.redrive, id);
    }

    /** Deletes one dead order: 404 unless the caller may act on it, 409 unless it is dead. */
    public Uni<DeadLetterDtos.ActionResult> purge(Caller caller, UUID id) {
        return one(caller, Action.purge, id);
    }

    /** Acts on the dead orders a selection names; those it names that are not (the caller's, or dead) are skipped. */
    public Uni<DeadLetterDtos.ActionResult> act(Caller caller, Action action, DeadLetterDtos.Selection selection) {
        selection.requireOneKind();
        return transaction(() -> selected(caller, selection).chain(selected ->
                apply(caller, action, selected.targets()).replaceWith(result(action, selected))));
    }

    /** The records of redrives and purges, newest first; a developer's are those on their own tasks. */
    @WithSession
    public Uni<CursorPage<DeadLetterDtos.ActionResponse>> actions(Caller caller, UUID workOrderId, UUID actorId,
                                                                  String cursor, int limit) {
        return actions.page(workOrderId, actorId, caller.readableOwner(), Cursor.parse(cursor), limit)
                .map(found -> CursorPage.of(found, limit, last -> new Cursor(last.actedAt, last.id).encode())
                        .map(DeadLetterDtos.ActionResponse::from));
    }

    private Uni<DeadLetterDtos.ActionResult> one(Caller caller, Action action, UUID id) {
        return transaction(() -> deadLetters.lock(List.of(id)).chain(this::withTasks).chain(found -> {
            Target target = found.isEmpty() ? null : found.get(0);
            if (target == null || !caller.canWrite(target.task().createdBy)) {
                throw notFound(id);
            }
            if (!target.dead()) {
                throw ProblemException.conflict("work order " + id + " is not dead: it is " + target.order().status
                        + " and its task " + target.task().status);
            }
            Selected selected = new Selected(found, List.of());
            return apply(caller, action, found).replaceWith(result(action, selected));
        }));
    }

    /**
     * {@link Dispatcher#transaction} (claimers of the queues redriven to are woken after commit),
     * flushed at commit only: by default each event insert would first check every entity the
     * session holds (up to a bulk's orders and tasks) for changes, a cost that grows with the square.
     */
    private <T> Uni<T> transaction(Supplier<Uni<T>> work) {
        return dispatcher.transaction(() -> Panache.getSession()
                .invoke(session -> session.setFlushMode(FlushMode.COMMIT)).chain(() -> work.get()));
    }

    private Uni<Selected> selected(Caller caller, DeadLetterDtos.Selection selection) {
        if (!selection.byIds()) {
            return deadLetters.lockMatching(selection.filter(), caller.writableOwner(), selection.limitOrDefault())
                    .chain(this::withTasks).map(targets -> new Selected(targets, List.of()));
        }
        List<UUID> ids = selection.ids().stream().distinct().toList();
        return deadLetters.lock(ids).chain(this::withTasks).map(found -> {
            Map<UUID, Target> byId = found.stream().collect(Collectors.toMap(t -> t.order().id, t -> t));
            List<Target> targets = new ArrayList<>();
            List<DeadLetterDtos.Skipped> skipped = new ArrayList<>();
            for (UUID id : ids) {
                Target target = byId.get(id);
                if (target == null || !caller.canWrite(target.task().createdBy)) {
                    skipped.add(new DeadLetterDtos.Skipped(id, "not found"));
                } else if (!target.dead()) {
                    skipped.add(new DeadLetterDtos.Skipped(id, "not dead: the order is " + target.order().status));
                } else {
                    targets.add(target);
                }
            }
            return new Selected(targets, skipped);
        });
    }

    /** The orders with their tasks, in the orders' order; tasks locked after their orders, as dispatch does. */
    private Uni<List<Target>> withTasks(List<WorkOrder> orders) {
        if (orders.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return tasks.lockAll(orders.stream().map(order -> order.taskId).distinct().toList()).map(found -> {
            Map<UUID, Task> byId = found.stream().collect(Collectors.toMap(task -> task.id, task -> task));
            return orders.stream().map(order -> new Target(order, byId.get(order.taskId))).toList();
        });
    }

    /**
     * Records the action on each order as it is, then applies it: a redrive puts each back on its
     * queue and its task with it; a purge deletes them (their tasks stay failed). Needs a transaction.
     */
    private Uni<Void> apply(Caller caller, Action action, List<Target> targets) {
        if (targets.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Instant.now();
        List<UUID> ids = targets.stream().map(target -> target.order().id).toList();
        // first: the record reads the orders as they were, and flushing a change would come before it
        Uni<Integer> recorded = actions.record(action, ids, caller.id(), now);
        if (action == Action.redrive) {
            return recorded.chain(() -> each(targets, target -> redrive(target, now)));
        }
        return recorded.chain(() -> each(targets, target -> dispatcher.recordOrder(TaskEvents.WORK_ORDER_PURGED,
                target.order()))).chain(() -> deadLetters.purge(ids)).replaceWithVoid();
    }

    /**
     * Back on its queue, available now, with all its retries again and no trace of its last claim;
     * its attempt stays (the fencing token never goes back: a holder of an earlier attempt stays
     * refused). Its task goes from failed back to queued, and the queue's waiting claimers are woken.
     */
    private Uni<Void> redrive(Target target, Instant now) {
        WorkOrder order = target.order();
        order.retryCount = 0;
        order.requeue(now);
        order.completedAt = null;
        return dispatcher.recordOrder(TaskEvents.WORK_ORDER_REDRIVEN, order)
                .chain(() -> dispatcher.redriven(target.task(), order.queue));
    }

    /** One after the other: they share the transaction's session. */
    private static Uni<Void> each(List<Target> targets, Function<Target, Uni<Void>> step) {
        return Multi.createFrom().iterable(targets).onItem().transformToUniAndConcatenate(target -> step.apply(target))
                .collect().asList().replaceWithVoid();
    }

    private static DeadLetterDtos.ActionResult result(Action action, Selected selected) {
        List<UUID> ids = selected.targets().stream().map(target -> target.order().id).toList();
        return new DeadLetterDtos.ActionResult(action, ids.size(), ids, selected.skipped());
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("dead letter", id);
    }
}
