package io.agentyard.task.task;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.events.TaskEvents;
import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.task.dispatch.Dispatcher;
import io.agentyard.task.dispatch.WorkOrderService;
import io.agentyard.task.project.ProjectService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/**
 * Tasks, their dependencies, approvals and cancellation. A task's creator owns it; admins see and
 * change all; viewers and services read. Every write goes through {@link Dispatcher#transaction},
 * so work put on a queue wakes waiting claimers once committed.
 */
@ApplicationScoped
public class TaskService {

    static final Map<String, String> SORTABLE = Map.of("createdAt", "createdAt", "updatedAt", "updatedAt",
            "priority", "priorityRank", "status", "status", "title", "lower(title)");

    private final TaskRepository tasks;
    private final TaskDependencyRepository dependencies;
    private final WorkOrderService dispatch;
    private final ProjectService projects;
    private final Dispatcher dispatcher;
    private final Outbox outbox;

    TaskService(TaskRepository tasks, TaskDependencyRepository dependencies,
                WorkOrderService dispatch, ProjectService projects, Dispatcher dispatcher,
                Outbox outbox) {
        this.tasks = tasks;
        this.dependencies = dependencies;
        this.dispatch = dispatch;
        this.projects = projects;
        this.dispatcher = dispatcher;
        this.outbox = outbox;
    }

    /** Creates a task and dispatches it at once unless something holds it back. */
    public Uni<TaskDtos.TaskResponse> create(Caller caller, TaskDtos.Create request) {
        return dispatcher.transaction(() -> checkParent(caller, request.parentTaskId())
                .chain(() -> request.projectId() == null ? Uni.createFrom().voidItem()
                        : projects.requireUsable(caller, request.projectId()).replaceWithVoid())
                .chain(() -> {
                    Instant now = Instant.now();
                    Task task = new Task();
                    task.id = UUID.randomUUID();
                    task.title = request.title();
                    task.description = request.description();
                    task.taskType = request.taskType();
                    task.permissionLevel = request.permissionLevel();
                    task.priority = request.priority() == null ? Task.Priority.normal : request.priority();
                    task.status = TaskStatus.pending;
                    task.repositoryUrl = request.repositoryUrl();
                    task.branchName = request.branchName();
                    task.issueNumber = request.issueNumber();
                    task.prNumber = request.prNumber();
                    task.context = request.context() == null ? Map.of() : new HashMap<>(request.context());
                    task.metadata = request.metadata() == null ? Map.of() : new HashMap<>(request.metadata());
                    task.createdBy = caller.id();
                    task.parentTaskId = request.parentTaskId();
                    task.projectId = request.projectId();
                    task.agentId = request.agentId();
                    task.workflowId = request.workflowId();
                    task.input = request.input() == null ? null : new HashMap<>(request.input());
                    task.timeoutSeconds = request.timeoutSeconds();
                    task.createdAt = now;
                    task.updatedAt = now;
                    Outbox.Event created = new Outbox.Event(TaskEvents.TASK_CREATED, task.id,
                            new TaskEvents.TaskCreated(task.id, task.createdBy, task.projectId, task.parentTaskId,
                                    task.taskType.name(), task.permissionLevel.name(), task.priority.name(), task.title));
                    if (request.dependsOn() == null || request.dependsOn().isEmpty()) {
                        return dispatcher.createUnblocked(task, created).replaceWith(task);
                    }
                    return tasks.persist(task)
                            .call(() -> outbox.record(created))
                            .call(() -> addInitialDependencies(caller, task, request.dependsOn()))
                            .call(() -> dispatcher.dispatchIfReady(task));
                })
                .map(TaskDtos.TaskResponse::from));
    }

    public record Filter(TaskStatus status, Task.Type taskType, Task.Priority priority, UUID projectId,
                         UUID assignedTo, UUID createdBy, UUID parentTaskId, UUID agentId, UUID workflowId) {
    }

    @WithSession
    public Uni<Page<TaskDtos.TaskResponse>> list(Caller caller, Filter filter, PageRequest page) {
        UUID scope = caller.readableOwner();
        if (scope != null && filter.createdBy() != null && !scope.equals(filter.createdBy())) {
            return Uni.createFrom().item(new Page<>(List.of(), page.page, page.size, 0));
        }
        Conditions where = Conditions.of().equal("createdBy", scope != null ? scope : filter.createdBy())
                .equal("status", filter.status()).equal("taskType", filter.taskType())
                .equal("priority", filter.priority()).equal("projectId", filter.projectId())
                .equal("assignedTo", filter.assignedTo()).equal("parentTaskId", filter.parentTaskId())
                .equal("agentId", filter.agentId()).equal("workflowId", filter.workflowId());
        return tasks.find(where.query() + page.orderBy(SORTABLE, "createdAt"), where.params())
                .page(page.toPanache()).list()
                .chain(found -> tasks.count(where.query(), where.params())
                        .map(total -> Page.of(found, TaskDtos.TaskResponse::from, page, total)));
    }

    @WithSession
    public Uni<TaskDtos.TaskResponse> get(Caller caller, UUID id) {
        return readable(caller, id).map(TaskDtos.TaskResponse::from);
    }

    public Uni<TaskDtos.TaskResponse> update(Caller caller, UUID id, TaskDtos.Update update) {
        return dispatcher.transaction(() -> writable(caller, id).call(task -> {
            if (update.title() != null) {
                task.title = update.title();
            }
            if (update.description() != null) {
                task.description = update.description();
            }
            if (update.repositoryUrl() != null) {
                task.repositoryUrl = update.repositoryUrl();
            }
            if (update.branchName() != null) {
                task.branchName = update.branchName();
            }
            if (update.issueNumber() != null) {
                task.issueNumber = update.issueNumber();
            }
            if (update.prNumber() != null) {
                task.prNumber = update.prNumber();
            }
            if (update.context() != null) {
                task.context = new HashMap<>(update.context());
            }
            if (update.metadata() != null) {
                task.metadata = new HashMap<>(update.metadata());
            }
            if (update.priority() != null) {
                task.priority = update.priority();
            }
            task.updatedAt = Instant.now();
            // a waiting order moves up or down the queue with its task, and hands the worker the new details
            return dispatcher.refreshWaitingOrder(task);
        }).map(TaskDtos.TaskResponse::from));
    }

    /** Cancels the task, withdraws its work order, and cancels its open subtasks, recursively. */
    public Uni<TaskDtos.TaskResponse> cancel(Caller caller, UUID id) {
        return dispatcher.transaction(() -> writable(caller, id).call(task -> {
            if (task.status.isFinal()) {
                throw ProblemException.conflict("the task is already " + task.status);
            }
            return cancelTree(task);
        }).map(TaskDtos.TaskResponse::from));
    }

    /**
     * A person approves: a {@code human_required} task may now be dispatched; a {@code supervised}
     * task waiting after its run ({@code blocked} awaiting review) is completed. A task blocked on
     * its worker's question awaits an answer, not a review: 409.
     */
    public Uni<TaskDtos.TaskResponse> approve(Caller caller, UUID id, TaskDtos.Review review) {
        return dispatcher.transaction(() -> writable(caller, id).call(task -> {
            boolean awaitingApproval = task.status == TaskStatus.pending
                    && task.permissionLevel == Task.Permission.human_required && task.approvedAt == null;
            boolean awaitingReview = task.awaitsReview();
            if (!awaitingApproval && !awaitingReview) {
                throw ProblemException.conflict(task.awaitsAnswer()
                        ? "the task awaits an answer to its worker's question, not an approval"
                        : "the task is " + task.status + " and awaits no approval");
            }
            task.approvedBy = caller.id();
            task.approvedAt = Instant.now();
            if (review != null && review.comment() != null) {
                task.reviewComment = review.comment();
            }
            return awaitingReview ? dispatcher.completed(task) : dispatcher.dispatchIfReady(task);
        }).map(TaskDtos.TaskResponse::from));
    }

    /**
     * A person rejects: a supervised task's run goes back on the queue with the reviewer's comment
     * in its payload; a {@code human_required} task that was never approved is cancelled. A task
     * blocked on its worker's question awaits an answer, not a review: 409.
     */
    public Uni<TaskDtos.TaskResponse> reject(Caller caller, UUID id, TaskDtos.Rejection rejection) {
        return dispatcher.transaction(() -> writable(caller, id).call(task -> {
            if (task.awaitsReview()) {
                task.reviewComment = rejection.comment();
                return dispatcher.enqueue(task);
            }
            if (task.status == TaskStatus.pending && task.permissionLevel == Task.Permission.human_required
                    && task.approvedAt == null) {
                task.reviewComment = rejection.comment();
                return cancelTree(task);
            }
            throw ProblemException.conflict(task.awaitsAnswer()
                    ? "the task awaits an answer to its worker's question, not a review"
                    : "the task is " + task.status + " and awaits no review");
        }).map(TaskDtos.TaskResponse::from));
    }

    public Uni<TaskDtos.DependencyResponse> addDependency(Caller caller, UUID id, TaskDtos.NewDependency request) {
        return dispatcher.transaction(() -> dependencies.lockGraph()
                .chain(() -> writable(caller, id))
                .chain(task -> addDependency(caller, task, request.dependsOn(),
                        request.type() == null ? TaskDependency.Type.blocks : request.type()))
                .map(TaskDtos.DependencyResponse::from));
    }

    /** Removes a dependency; a task it no longer blocks may be dispatched at once. */
    public Uni<Void> removeDependency(Caller caller, UUID id, UUID dependsOn) {
        return dispatcher.transaction(() -> writable(caller, id).call(task -> dependencies.find(id, dependsOn)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("dependency", id + " -> " + dependsOn))
                .call(dependency -> dependencies.delete(dependency))
                .chain(() -> dispatcher.dispatchIfReady(task)))).replaceWithVoid();
    }

    @WithSession
    public Uni<List<TaskDtos.DependencyResponse>> dependencies(Caller caller, UUID id) {
        return readable(caller, id).chain(task -> dependencies.touching(id))
                .map(list -> list.stream().map(TaskDtos.DependencyResponse::from).toList());
    }

    private Uni<Void> addInitialDependencies(Caller caller, Task task, List<TaskDtos.DependsOn> requested) {
        if (requested == null || requested.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> chain = dependencies.lockGraph();
        for (TaskDtos.DependsOn dependsOn : requested) {
            chain = chain.chain(() -> addDependency(caller, task, dependsOn.taskId(),
                    dependsOn.type() == null ? TaskDependency.Type.blocks : dependsOn.type()).replaceWithVoid());
        }
        return chain;
    }

    private Uni<TaskDependency> addDependency(Caller caller, Task task, UUID dependsOnId, TaskDependency.Type type) {
        if (task.id.equals(dependsOnId)) {
            throw ProblemException.invalidField("dependsOn", "a task cannot depend on itself");
        }
        if (type == TaskDependency.Type.blocks && task.status != TaskStatus.pending) {
            throw ProblemException.conflict("the task is already " + task.status + "; only pending tasks can be blocked");
        }
        return readable(caller, dependsOnId)
                .chain(other -> dependencies.find(task.id, dependsOnId))
                .invoke(existing -> {
                    if (existing != null) {
                        throw ProblemException.conflict("task " + task.id + " already depends on " + dependsOnId);
                    }
                })
                .chain(() -> type != TaskDependency.Type.blocks ? Uni.createFrom().item(List.<UUID>of())
                        : dependencies.blockingPath(dependsOnId, task.id))
                .chain(path -> {
                    if (!path.isEmpty()) {
                        String cycle = task.id + " -> " + path.stream().map(UUID::toString)
                                .collect(Collectors.joining(" -> "));
                        throw ProblemException.conflict("a blocks dependency from " + task.id + " on " + dependsOnId
                                + " would close the cycle " + cycle);
                    }
                    TaskDependency dependency = new TaskDependency();
                    dependency.id = UUID.randomUUID();
                    dependency.taskId = task.id;
                    dependency.dependsOnTaskId = dependsOnId;
                    dependency.type = type;
                    dependency.createdAt = Instant.now();
                    return dependencies.persist(dependency);
                });
    }

    private Uni<Void> cancelTree(Task task) {
        return dispatch.withdrawOrdersOf(task.id)
                .chain(() -> dispatcher.changeStatus(task, TaskStatus.cancelled))
                .chain(() -> tasks.openChildren(task.id))
                .chain(children -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Task child : children) {
                        chain = chain.chain(() -> cancelTree(child));
                    }
                    return chain;
                });
    }

    private Uni<Void> checkParent(Caller caller, UUID parentId) {
        if (parentId == null) {
            return Uni.createFrom().voidItem();
        }
        return readable(caller, parentId).invoke(parent -> {
            if (parent.status.isFinal()) {
                throw ProblemException.conflict("the parent task is already " + parent.status);
            }
        }).replaceWithVoid();
    }

    private Uni<Task> readable(Caller caller, UUID id) {
        return tasks.findById(id).invoke(task -> caller.checkRead(task == null ? null : task.createdBy, "task", id));
    }

    private Uni<Task> writable(Caller caller, UUID id) {
        return tasks.findById(id).invoke(task -> caller.checkWrite(task == null ? null : task.createdBy, "task", id));
    }
}
