package io.agentyard.chat.client;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CaffeineCache;
import io.quarkus.cache.CacheName;
import io.smallrye.mutiny.Uni;

/**
 * Whether a worker holds a task now, checked against task-service (never trusted from the
 * worker). For reads, answers are remembered briefly ({@code quarkus.cache.caffeine."task-holders"})
 * and one that says no is asked again, in case the claim is newer; a write always asks afresh, so
 * a worker whose lease has moved on cannot write with a remembered yes.
 */
@ApplicationScoped
public class TaskHolders {

    private final TaskService taskService;
    private final Cache holders;

    TaskHolders(TaskService taskService, @CacheName("task-holders") Cache holders) {
        this.taskService = taskService;
        this.holders = holders;
    }

    /** For reads: a remembered yes will do. */
    public Uni<Boolean> holds(UUID workerId, UUID taskId) {
        return holderOf(taskId).chain(holder -> heldBy(holder, workerId) ? Uni.createFrom().item(true)
                : holdsNow(workerId, taskId));
    }

    /** For writes: asked afresh (and remembered for the reads that follow). */
    public Uni<Boolean> holdsNow(UUID workerId, UUID taskId) {
        return taskService.holder(taskId)
                .invoke(answer -> holders.as(CaffeineCache.class).put(taskId, CompletableFuture.completedFuture(answer)))
                .map(answer -> heldBy(answer, workerId));
    }

    /** The task's holder (the owner of its conversation is the task's owner). */
    public Uni<Optional<TaskServiceClient.TaskHolder>> holderOf(UUID taskId) {
        return holders.getAsync(taskId, taskService::holder);
    }

    private static boolean heldBy(Optional<TaskServiceClient.TaskHolder> holder, UUID workerId) {
        return holder.filter(TaskServiceClient.TaskHolder::active).map(found -> workerId.equals(found.workerId()))
                .orElse(false);
    }
}
