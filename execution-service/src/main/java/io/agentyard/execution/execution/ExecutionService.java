package io.agentyard.execution.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.execution.client.ExecutionHolder;
import io.agentyard.execution.client.TaskService;
import io.agentyard.execution.live.LiveFeed;
import io.agentyard.shared.events.ExecutionEvents;
import io.agentyard.shared.events.Outbox;
import io.agentyard.shared.page.Conditions;
import io.agentyard.shared.page.Cursor;
import io.agentyard.shared.page.CursorPage;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.reactive.AfterCommit;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * Executions: recorded from task-service's claims and outcomes, read by the task's owner, admins,
 * viewers and services (a worker reads the runs it holds), written only by the worker holding
 * them while they run.
 * <p>
 * A worker may write the moment its claim returns, before this service has consumed the claim
 * event. An unknown execution id is then looked up in task-service (the answer is cached) and
 * recorded from that answer, exactly as the claim event would record it; the event, when it
 * comes, changes nothing.
 */
@ApplicationScoped
public class ExecutionService {

    private static final Logger LOG = Logger.getLogger(ExecutionService.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final ExecutionRepository executions;
    private final Outbox outbox;
    private final LiveFeed live;
    private final TaskService taskService;
    private final Cache holders;

    ExecutionService(ExecutionRepository executions, Outbox outbox, LiveFeed live, TaskService taskService,
                     @CacheName("execution-holders") Cache holders) {
        this.executions = executions;
        this.outbox = outbox;
        this.live = live;
        this.taskService = taskService;
        this.holders = holders;
    }

    // ---- reads

    public Uni<ExecutionDtos.ExecutionResponse> get(Caller caller, UUID id) {
        return readable(caller, id).map(ExecutionDtos.ExecutionResponse::from);
    }

    /** The execution if the caller may read it; 404 otherwise (what one may not see does not exist). */
    public Uni<Execution> readable(Caller caller, UUID id) {
        return Panache.withSession(() -> executions.findById(id)).map(execution -> {
            if (execution == null || !mayRead(caller, execution)) {
                throw ProblemException.notFound("execution", id);
            }
            return execution;
        });
    }

    static boolean mayRead(Caller caller, Execution execution) {
        return caller.hasRole(Roles.WORKER) ? caller.is(execution.workerId) : caller.canRead(execution.ownerId);
    }

    /** Filters of a list; null fields are left out. */
    public record Filter(UUID taskId, UUID agentId, UUID workflowId, UUID workerId, ExecutionStatus status,
                         Instant from, Instant to) {
    }

    /** Newest first, {@code limit} at a time, continuing after {@code cursor}. */
    public Uni<CursorPage<ExecutionDtos.ExecutionResponse>> list(Caller caller, Filter filter, String cursor,
                                                                 int limit) {
        Conditions where = Conditions.of()
                .equal("taskId", filter.taskId()).equal("agentId", filter.agentId())
                .equal("workflowId", filter.workflowId()).equal("workerId", filter.workerId())
                .equal("status", filter.status())
                .where("createdAt >= :from", "from", filter.from())
                .where("createdAt < :to", "to", filter.to());
        if (caller.hasRole(Roles.WORKER)) {
            where.equal("workerId", caller.id());
        } else {
            where.equal("ownerId", caller.readableOwner());
        }
        Cursor after = Cursor.parse(cursor);
        if (after != null) {
            where.where("(createdAt < :cursorAt or (createdAt = :cursorAt and id < :cursorId))", "cursorAt", after.at());
            where.params().and("cursorId", after.id());
        }
        return Panache.withSession(() -> executions.find(where.query(),
                        Sort.descending("createdAt", "id"), where.params()).range(0, limit).list())
                .map(found -> CursorPage.of(found, limit, last -> new Cursor(last.createdAt, last.id).encode())
                        .map(ExecutionDtos.ExecutionResponse::from));
    }

    // ---- the worker's writes

    /** Who may write to a run right now: its id, holder and status. */
    public record Held(UUID id, UUID workerId, ExecutionStatus status) {
    }

    /**
     * The execution, if {@code caller} is the worker holding it and it is still running: 404 when
     * task-service never issued it, 403 for any other identity, 409 once it has finished, 503 when
     * it must be looked up and task-service cannot be reached.
     */
    public Uni<Held> writable(Caller caller, UUID id) {
        if (!caller.hasRole(Roles.WORKER)) {
            return Uni.createFrom().failure(ProblemException.forbidden("only the worker holding an execution writes to it"));
        }
        return Panache.withSession(() -> executions.findById(id))
                .chain(found -> found != null ? Uni.createFrom().item(new Held(found.id, found.workerId, found.status))
                        : recordFromHolder(id))
                .invoke(held -> {
                    if (!caller.is(held.workerId())) {
                        throw ProblemException.forbidden("execution " + id + " is held by another worker");
                    }
                    if (held.status().isFinal()) {
                        throw ProblemException.conflict("execution " + id + " has finished (" + held.status() + ")");
                    }
                });
    }

    /** Asks task-service who holds an execution not recorded yet, and records it from the answer. */
    private Uni<Held> recordFromHolder(UUID id) {
        return holders.<UUID, Optional<ExecutionHolder>>getAsync(id, key -> taskService.holder(key))
                .onFailure().transform(failure -> {
                    LOG.warnf("Could not ask task-service who holds execution %s: %s", id, failure.getMessage());
                    return ProblemException.serviceUnavailable(
                            "execution " + id + " is not known here yet and task-service cannot be reached", RETRY_AFTER);
                })
                .chain(answer -> {
                    ExecutionHolder holder = answer.orElseThrow(() -> ProblemException.notFound("execution", id));
                    ExecutionRepository.Start start = new ExecutionRepository.Start(id, holder.taskId(),
                            holder.workOrderId(), holder.attempt(), holder.workerId(), holder.ownerId(),
                            holder.agentId(), holder.workflowId(), ExecutionStatus.running, holder.input(), null,
                            holder.claimedAt());
                    return AfterCommit.transaction(() -> started(start))
                            // the holder's own record says whether it may still write, until the events catch up
                            .replaceWith(new Held(id, holder.workerId(), statusOf(holder)));
                });
    }

    /** The run's status as task-service's assignment tells it. */
    private static ExecutionStatus statusOf(ExecutionHolder holder) {
        return switch (holder.status()) {
            case "completed" -> ExecutionStatus.completed;
            case "failed" -> ExecutionStatus.failed;
            case "timeout" -> ExecutionStatus.timeout;
            default -> ExecutionStatus.running;
        };
    }

    /** Merges keys into the run's metadata (the worker holding it). */
    public Uni<ExecutionDtos.ExecutionResponse> updateMetadata(Caller caller, UUID id, Map<String, Object> metadata) {
        return writable(caller, id)
                .chain(held -> Panache.withTransaction(() -> executions.mergeMetadata(id, metadata)))
                .chain(() -> Panache.withSession(() -> executions.findById(id)))
                .map(ExecutionDtos.ExecutionResponse::from);
    }

    /** A worker's activity goes to the execution's followers (not stored: a live view, as in the notes). */
    public Uni<Void> activity(Caller caller, UUID id, ExecutionDtos.Activity activity) {
        return writable(caller, id).chain(held -> live.publish(id, LiveFeed.ACTIVITY,
                new ExecutionDtos.ActivityMessage(activity.kind(), activity.data(), held.workerId(), Instant.now())));
    }

    // ---- from task-service's events (inside the consumer's transaction)

    /** Records a run's start once, with its execution.started event. */
    public Uni<Void> started(ExecutionRepository.Start start) {
        return executions.recordStart(start).chain(isNew -> {
            if (!isNew) {
                return Uni.createFrom().voidItem();
            }
            AfterCommit.register(() -> live.publish(start.id(), LiveFeed.STATUS,
                    new ExecutionDtos.StatusMessage(start.status(), null, null, null)));
            return outbox.record(ExecutionEvents.EXECUTION_STARTED, start.id(),
                    new ExecutionEvents.ExecutionStarted(start.id(), start.taskId(), start.workOrderId(),
                            start.attempt(), start.workerId(), start.agentId(), start.workflowId(), start.startedAt()))
                    .replaceWithVoid();
        });
    }

    /** Ends a run that is still open, with its execution.finished event; a finished run stays as it ended. */
    public Uni<Void> ended(ExecutionRepository.End end) {
        return executions.recordEnd(end).chain(this::announceEnded);
    }

    /** The task was cancelled: its open runs end {@code cancelled}. */
    public Uni<Void> taskCancelled(UUID taskId, Instant at) {
        return executions.cancelOpenRunsOf(taskId, at, "task cancelled").chain(this::announceEnded);
    }

    private Uni<Void> announceEnded(List<ExecutionRepository.Ended> ended) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ExecutionRepository.Ended run : ended) {
            AfterCommit.register(() -> live.publish(run.id(), LiveFeed.STATUS, new ExecutionDtos.StatusMessage(
                    ExecutionStatus.valueOf(run.status()), run.exitCode(), run.durationMs(), run.error())));
            chain = chain.chain(() -> outbox.record(ExecutionEvents.EXECUTION_FINISHED, run.id(),
                    new ExecutionEvents.ExecutionFinished(run.id(), run.taskId(), run.status(), run.exitCode(),
                            run.durationMs(), run.error())).replaceWithVoid());
        }
        return chain;
    }
}
