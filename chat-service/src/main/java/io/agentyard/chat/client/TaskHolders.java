package io.agentyard.chat.client;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.smallrye.mutiny.Uni;

/**
 * Whether a worker holds a task now, checked against task-service (never trusted from the
 * worker). Answers are remembered briefly ({@code quarkus.cache.caffeine."task-holders"}); an answer
 * that says no is asked again once, in case the claim is newer than the answer.
 */
@ApplicationScoped
public class TaskHolders {

    private final TaskService taskService;
    private final Cache holders;

    TaskHolders(TaskService taskService, @CacheName("task-holders") Cache holders) {
        this.taskService = taskService;
        this.holders = holders;
    }

    public Uni<Boolean> holds(UUID workerId, UUID taskId) {
        return holderOf(taskId).chain(holder -> heldBy(holder, workerId) ? Uni.createFrom().item(true)
                : holders.invalidate(taskId).chain(() -> holderOf(taskId)).map(fresh -> heldBy(fresh, workerId)));
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
