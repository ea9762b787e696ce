package io.agentyard.task.task;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import io.agentyard.shared.problem.ProblemException;

/**
 * The task state machine.
 * <pre>
 * pending     -> queued (dispatched), cancelled
 * queued      -> in_progress (claimed), pending (a blocker was added), failed (out of retries), cancelled
 * in_progress -> completed (autonomous run done), blocked (supervised run done, awaiting review;
 *                or its worker asked a question, awaiting an answer),
 *                queued (retry after a failure or an expired lease), failed (out of retries), cancelled
 * blocked     -> completed (approved), queued (rejected: runs again with the comment),
 *                in_progress (the question answered, or the run ends while it waits: see below), cancelled
 * completed, failed, cancelled: final, except
 * failed      -> queued, only by a redrive: a person puts the task's dead-lettered order back on its queue
 * </pre>
 * Which of {@code blocked}'s moves apply depends on why it waits ({@link Task.BlockedReason}): only
 * a review is approved or rejected, only a question goes back to {@code in_progress}. A run that
 * completes or fails while its question is open first goes back to {@code in_progress} (the wait
 * ends, its open questions are withdrawn), then on as any run does: two status changes, each one
 * this machine allows.
 * <p>
 * A redrive is the one way out of a final status, and no ordinary move: {@link #canBecome} says
 * no to {@code failed -> queued}, {@link #canBeRedriven} says yes.
 */
public enum TaskStatus {
    pending, queued, in_progress, blocked, completed, failed, cancelled;

    private static final Map<TaskStatus, Set<TaskStatus>> NEXT = Map.of(
            pending, EnumSet.of(queued, cancelled),
            queued, EnumSet.of(in_progress, pending, failed, cancelled),
            in_progress, EnumSet.of(completed, blocked, queued, failed, cancelled),
            blocked, EnumSet.of(completed, queued, in_progress, cancelled),
            completed, EnumSet.noneOf(TaskStatus.class),
            failed, EnumSet.noneOf(TaskStatus.class),
            cancelled, EnumSet.noneOf(TaskStatus.class));

    public boolean isFinal() {
        return NEXT.get(this).isEmpty();
    }

    public boolean canBecome(TaskStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** Whether a redrive may put a task in this status back on its queue ({@code queued}): only a failed one. */
    public boolean canBeRedriven() {
        return this == failed;
    }

    /** Fails with 409 unless {@link #canBeRedriven}. */
    public void requireCanBeRedriven() {
        if (!canBeRedriven()) {
            throw ProblemException.conflict("a task cannot go from " + this + " to " + queued
                    + ": only a failed task is redriven");
        }
    }

    /** Fails with 409 naming both states when the machine does not allow {@code this -> next}. */
    public void requireCanBecome(TaskStatus next) {
        if (!canBecome(next)) {
            throw ProblemException.conflict("a task cannot go from " + this + " to " + next);
        }
    }
}
