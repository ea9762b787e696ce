package io.agentyard.task.question;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TaskQuestionRepository implements PanacheRepositoryBase<TaskQuestion, UUID> {

    /** The task's wait ended without their answers: its open questions are withdrawn. */
    public Uni<Integer> withdrawOpen(UUID taskId, Instant at) {
        return update("status = ?1, updatedAt = ?2 where taskId = ?3 and status = ?4", TaskQuestion.Status.withdrawn,
                at, taskId, TaskQuestion.Status.open);
    }

    /** How many of the task's questions other than {@code except} still wait for an answer. */
    public Uni<Long> otherOpen(UUID taskId, UUID except) {
        return count("taskId = ?1 and status = ?2 and id <> ?3", taskId, TaskQuestion.Status.open, except);
    }

    /** The answered questions of an attempt, in the order they were answered. */
    public Uni<List<TaskQuestion>> answeredIn(UUID executionId) {
        return list("executionId = ?1 and status = ?2 order by answeredAt, id", executionId,
                TaskQuestion.Status.answered);
    }
}
