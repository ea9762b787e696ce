package io.agentyard.task.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.events.TaskEvents;
import io.agentyard.shared.reactive.AfterCommit;
import io.agentyard.task.config.TaskServiceConfig;
import io.agentyard.task.project.ProjectRepository;
import io.agentyard.task.question.TaskQuestionRepository;
import io.agentyard.task.task.Task;
import io.agentyard.task.task.TaskRepository;
import io.agentyard.task.task.TaskStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.mutiny.Uni;

/**
 * Puts tasks on their queue when nothing holds them back, and records every task status change
 * with its event. Runs inside the caller's transaction; {@link #transaction} announces the orders
 * each queue received once that transaction has committed, so woken claimers find them.
 */
@ApplicationScoped
public class Dispatcher {

    private static final String ANNOUNCE_KEY = "agentyard.dispatch.queues";

    private final TaskRepository tasks;
    private final WorkOrderRepository workOrders;
    private final Outbox outbox;
    private final ClaimWaiters waiters;
    private final TaskServiceConfig config;
    private final TaskQuestionRepository questions;
    private final ProjectRepository projects;

    Dispatcher(TaskRepository tasks, WorkOrderRepository workOrders, Outbox outbox, ClaimWaiters waiters,
               TaskServiceConfig config, TaskQuestionRepository questions, ProjectRepository projects) {
        this.tasks = tasks;
        this.projects = projects;
        this.questions = questions;
        this.workOrders = workOrders;
        this.outbox = outbox;
        this.waiters = waiters;
        this.config = config;
    }

    /**
     * Runs {@code work} in a transaction, then wakes as many claimers as it put orders on each queue
     * and runs what it registered with {@link AfterCommit} (metrics of what it decided).
     */
    public <T> Uni<T> transaction(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work).call(this::announceQueued).call(AfterCommit::run)
                .onFailure().invoke(AfterCommit::discard);
    }

    /** Dispatches a pending task unless it awaits approval or a blocking task is unfinished. */
    public Uni<Void> dispatchIfReady(Task task) {
        if (task.status != TaskStatus.pending || awaitsApproval(task)) {
            return Uni.createFrom().voidItem();
        }
        return tasks.unfinishedBlockersOf(task.id)
                .chain(blockers -> blockers > 0 ? Uni.createFrom().voidItem() : enqueue(task, List.of(), false));
    }

    /**
     * Stores a new task that has no blockers, with {@code created} (its creation's event): on its
     * queue at once unless it awaits approval. A task dispatched here is inserted already queued and
     * its four events (creation, status change, dispatch, the order's) go in one outbox row: a create
     * took ten round trips when it was inserted pending, then updated, with four inserted events.
     */
    public Uni<Void> createUnblocked(Task task, Outbox.Event created) {
        if (task.status != TaskStatus.pending || awaitsApproval(task)) {
            return tasks.persist(task).chain(() -> outbox.record(created))
                    .replaceWithVoid();
        }
        return enqueue(task, List.of(created), true);
    }

    /** A new work order for the task on its type's queue; the task becomes {@code queued}. */
    public Uni<Void> enqueue(Task task) {
        return enqueue(task, List.of(), false);
    }

    /**
     * {@link #enqueue(Task)}, its events recorded in one outbox row after {@code before}. A {@code
     * newTask} ({@link #createUnblocked}) is stored here, already queued: one insert, no update.
     */
    private Uni<Void> enqueue(Task task, List<Outbox.Event> before, boolean newTask) {
        return payloadOf(task).chain(payload -> {
            Instant now = Instant.now();
            WorkOrder order = new WorkOrder();
            order.id = UUID.randomUUID();
            order.taskId = task.id;
            order.queue = task.taskType.name();
            order.status = WorkOrder.Status.pending;
            order.priority = priorityOf(task);
            order.payload = payload;
            order.retryCount = 0;
            order.maxRetries = config.maxRetries();
            order.timeoutSeconds = task.timeoutSeconds;
            order.enqueuedAt = now;
            order.availableAt = now;
            task.status.requireCanBecome(TaskStatus.queued);
            queuedOnThisContext().merge(order.queue, 1, Integer::sum);
            return move(task, TaskStatus.queued, null).chain(moved -> {
                List<Outbox.Event> events = new ArrayList<>(before);
                events.addAll(moved);
                events.add(new Outbox.Event(TaskEvents.TASK_DISPATCHED, task.id,
                        new TaskEvents.TaskDispatched(task.id, order.id, order.queue)));
                events.add(new Outbox.Event(TaskEvents.WORK_ORDER_ENQUEUED, order.id,
                        orderChanged(TaskEvents.WORK_ORDER_ENQUEUED, order)));
                Uni<?> stored = newTask ? tasks.persist(task) : Uni.createFrom().voidItem();
                return stored.chain(() -> workOrders.persist(order)).chain(() -> outbox.recordAll(events));
            }).replaceWithVoid();
        });
    }

    /** A task that must be approved by a person before it runs, and was not yet. */
    private static boolean awaitsApproval(Task task) {
        return task.permissionLevel == Task.Permission.human_required && task.approvedAt == null;
    }

    /**
     * The task changed (PATCH): its waiting order, if any, takes the new priority and a payload built
     * afresh. A claimed order keeps what its worker was given; a claim running at the same moment
     * either takes the order first (then nothing here changes it) or after this commits.
     */
    public Uni<Void> refreshWaitingOrder(Task task) {
        return payloadOf(task).chain(payload -> workOrders.refreshWaiting(task.id, priorityOf(task), payload))
                .replaceWithVoid();
    }

    /** Moves the task along the state machine (409 if it may not) and records the change; not to blocked. */
    public Uni<Void> changeStatus(Task task, TaskStatus next) {
        return changeStatus(task, next, null);
    }

    /**
     * Moves the task along the state machine (409 if it may not) and records the change; {@code
     * reason} says why a task becomes {@code blocked} (and only then is given). A task that stops
     * waiting for an answer other than by the answer (its run completed, failed or ended, or it was
     * cancelled) has its open questions withdrawn.
     */
    public Uni<Void> changeStatus(Task task, TaskStatus next, Task.BlockedReason reason) {
        if ((next == TaskStatus.blocked) != (reason != null)) {
            throw new IllegalArgumentException("a reason is given exactly when a task becomes blocked, not for " + next);
        }
        task.status.requireCanBecome(next);
        return moveTo(task, next, reason);
    }

    /**
     * A dead-lettered task goes back on its queue with its redriven order: {@code failed -> queued},
     * the one move out of a final status, allowed to a redrive only ({@link
     * TaskStatus#requireCanBeRedriven}). Recorded as any change; the claimers waiting on {@code
     * queue} are woken once {@link #transaction} commits, as after an enqueue.
     */
    public Uni<Void> redriven(Task task, String queue) {
        task.status.requireCanBeRedriven();
        task.completedAt = null;
        queuedOnThisContext().merge(queue, 1, Integer::sum);
        return moveTo(task, TaskStatus.queued, null);
    }

    /** Applies and records a move that was checked. */
    private Uni<Void> moveTo(Task task, TaskStatus next, Task.BlockedReason reason) {
        return move(task, next, reason).chain(outbox::recordAll).replaceWithVoid();
    }

    /**
     * Applies a move that was checked to the task, withdrawing its open questions when it stops
     * waiting for an answer other than by the answer, and gives its events (not recorded yet): the
     * status change and, when the task ends, its ending ({@code task.completed}, {@code failed},
     * {@code cancelled}).
     */
    private Uni<List<Outbox.Event>> move(Task task, TaskStatus next, Task.BlockedReason reason) {
        boolean waitEnds = task.awaitsAnswer() && reason != Task.BlockedReason.question;
        TaskStatus previous = task.status;
        Instant now = Instant.now();
        task.status = next;
        task.blockedReason = reason;
        task.updatedAt = now;
        if (next == TaskStatus.in_progress && task.startedAt == null) {
            task.startedAt = now;
        }
        if (next.isFinal()) {
            task.completedAt = now;
        }
        TaskEvents.TaskStatusChanged changed = new TaskEvents.TaskStatusChanged(task.id, previous.name(), next.name(),
                task.assignedTo);
        String finalEvent = switch (next) {
            case completed -> TaskEvents.TASK_COMPLETED;
            case failed -> TaskEvents.TASK_FAILED;
            case cancelled -> TaskEvents.TASK_CANCELLED;
            default -> null;
        };
        Outbox.Event statusChanged = new Outbox.Event(TaskEvents.TASK_STATUS_CHANGED, task.id, changed);
        List<Outbox.Event> events = finalEvent == null ? List.of(statusChanged)
                : List.of(statusChanged, new Outbox.Event(finalEvent, task.id, changed));
        Uni<?> withdrawn = waitEnds ? questions.withdrawOpen(task.id, now) : Uni.createFrom().voidItem();
        return withdrawn.replaceWith(events);
    }

    /** The task completed: dispatch the pending tasks it was the last blocker of. */
    public Uni<Void> completed(Task task) {
        return changeStatus(task, TaskStatus.completed).chain(() -> dispatchDependentsOf(task.id));
    }

    /** Dispatches the pending tasks {@code taskId} blocks that nothing else holds back. */
    public Uni<Void> dispatchDependentsOf(UUID taskId) {
        return tasks.pendingBlockedBy(taskId).chain(dependents -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Task dependent : dependents) {
                chain = chain.chain(() -> dispatchIfReady(dependent));
            }
            return chain;
        });
    }

    /** Dispatches up to {@code limit} pending tasks that nothing holds back; returns how many. */
    public Uni<Integer> dispatchStranded(int limit) {
        return tasks.lockStranded(limit).chain(stranded -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Task task : stranded) {
                chain = chain.chain(() -> enqueue(task));
            }
            return chain.replaceWith(stranded.size());
        });
    }

    /**
     * Records a {@code work_order.*} event of {@code type} for the order as it is now. Owner, agent
     * and workflow come from the order's payload, as task.work_order_changed (V5) reads them for
     * the claims and completions recorded in SQL; the input goes only on a claim and the outcome
     * only on a completion (see {@link TaskEvents.WorkOrderChanged}).
     */
    public Uni<Void> recordOrder(String type, WorkOrder order) {
        return outbox.record(type, order.id, orderChanged(type, order)).replaceWithVoid();
    }

    static TaskEvents.WorkOrderChanged orderChanged(String type, WorkOrder order) {
        Map<String, Object> payload = order.payload == null ? Map.of() : order.payload;
        boolean claimed = TaskEvents.WORK_ORDER_CLAIMED.equals(type);
        boolean completed = TaskEvents.WORK_ORDER_COMPLETED.equals(type);
        return new TaskEvents.WorkOrderChanged(order.id, order.taskId, order.queue, order.status.name(),
                order.attempt, order.claimedBy, order.executionId, order.expiresAt, order.errorMessage,
                uuidIn(payload, "createdBy"), uuidIn(payload, "agentId"), uuidIn(payload, "workflowId"),
                claimed ? mapIn(payload, "input") : null,
                completed ? order.exitCode : null,
                completed ? order.result : null,
                completed ? TaskEvents.tail(order.stdout) : null,
                completed ? TaskEvents.tail(order.stderr) : null,
                completed ? order.metrics : null);
    }

    private static UUID uuidIn(Map<String, Object> payload, String key) {
        Object value = payload.get(key);
        return value == null ? null : UUID.fromString(value.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapIn(Map<String, Object> payload, String key) {
        return payload.get(key) instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    private Uni<Void> announceQueued() {
        Map<String, Integer> queued = ContextLocals.<Map<String, Integer>>get(ANNOUNCE_KEY).orElse(Map.of());
        if (queued.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        ContextLocals.remove(ANNOUNCE_KEY);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, Integer> queue : queued.entrySet()) {
            chain = chain.chain(() -> waiters.announce(queue.getKey(), queue.getValue()));
        }
        return chain;
    }

    /** Orders put on each queue in this context's transaction: as many claimers are woken after commit. */
    private static Map<String, Integer> queuedOnThisContext() {
        Map<String, Integer> queued = ContextLocals.<Map<String, Integer>>get(ANNOUNCE_KEY).orElse(null);
        if (queued == null) {
            queued = new HashMap<>();
            ContextLocals.put(ANNOUNCE_KEY, queued);
        }
        return queued;
    }

    private static short priorityOf(Task task) {
        return (short) task.priority.ordinal();
    }

    /**
     * What the worker is handed: the task, with {@code repositoryUrl} the task's own, else its
     * project's (the worker clones it). The project is read, in the caller's session and so its
     * transaction, only when the task has a project and no URL of its own.
     */
    Uni<Map<String, Object>> payloadOf(Task task) {
        if (task.repositoryUrl != null || task.projectId == null) {
            return Uni.createFrom().item(payloadOf(task, task.repositoryUrl));
        }
        return projects.findById(task.projectId)
                .map(project -> payloadOf(task, project == null ? null : project.repositoryUrl));
    }

    private static Map<String, Object> payloadOf(Task task, String repositoryUrl) {
        Map<String, Object> payload = new HashMap<>();
        payload.put("taskId", task.id.toString());
        payload.put("title", task.title);
        payload.put("taskType", task.taskType.name());
        payload.put("permissionLevel", task.permissionLevel.name());
        payload.put("priority", task.priority.name());
        putIfPresent(payload, "description", task.description);
        putIfPresent(payload, "repositoryUrl", repositoryUrl);
        putIfPresent(payload, "branchName", task.branchName);
        putIfPresent(payload, "issueNumber", task.issueNumber);
        putIfPresent(payload, "prNumber", task.prNumber);
        putIfPresent(payload, "projectId", task.projectId == null ? null : task.projectId.toString());
        putIfPresent(payload, "reviewComment", task.reviewComment);
        payload.put("context", task.context == null ? Map.of() : task.context);
        // who the run is for: task.work_order_changed (V5) reads these for the events of the order
        payload.put("createdBy", task.createdBy.toString());
        putIfPresent(payload, "agentId", task.agentId == null ? null : task.agentId.toString());
        putIfPresent(payload, "workflowId", task.workflowId == null ? null : task.workflowId.toString());
        putIfPresent(payload, "input", task.input);
        return payload;
    }

    private static void putIfPresent(Map<String, Object> payload, String key, Object value) {
        if (value != null) {
            payload.put(key, value);
        }
    }
}
