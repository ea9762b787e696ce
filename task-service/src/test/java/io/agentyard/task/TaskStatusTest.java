package io.agentyard.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.problem.ProblemException;
import io.agentyard.task.task.Task;
import io.agentyard.task.task.TaskStatus;

/**
 * The task state machine and why a blocked task waits. Not a @QuarkusTest: pure logic, no server,
 * database or Redis needed.
 */
class TaskStatusTest {

    static final Map<TaskStatus, Set<TaskStatus>> ALLOWED = Map.of(
            TaskStatus.pending, EnumSet.of(TaskStatus.queued, TaskStatus.cancelled),
            TaskStatus.queued, EnumSet.of(TaskStatus.in_progress, TaskStatus.pending, TaskStatus.failed,
                    TaskStatus.cancelled),
            TaskStatus.in_progress, EnumSet.of(TaskStatus.completed, TaskStatus.blocked, TaskStatus.queued,
                    TaskStatus.failed, TaskStatus.cancelled),
            TaskStatus.blocked, EnumSet.of(TaskStatus.completed, TaskStatus.queued, TaskStatus.in_progress,
                    TaskStatus.cancelled),
            TaskStatus.completed, EnumSet.noneOf(TaskStatus.class),
            TaskStatus.failed, EnumSet.noneOf(TaskStatus.class),
            TaskStatus.cancelled, EnumSet.noneOf(TaskStatus.class));

    @Test
    void everyMoveIsAllowedExactlyWhenTheMachineSaysSo() {
        for (TaskStatus from : TaskStatus.values()) {
            for (TaskStatus to : TaskStatus.values()) {
                assertEquals(ALLOWED.get(from).contains(to), from.canBecome(to), from + " -> " + to);
            }
        }
    }

    @Test
    void onlyCompletedFailedAndCancelledAreFinal() {
        for (TaskStatus status : TaskStatus.values()) {
            assertEquals(EnumSet.of(TaskStatus.completed, TaskStatus.failed, TaskStatus.cancelled).contains(status),
                    status.isFinal(), status.name());
        }
    }

    @Test
    void aQuestionWaitEndsBackInProgressAndTheRunFinishesFromThere() {
        // the wait ends (blocked -> in_progress), then the run ends as any run does
        assertTrue(TaskStatus.blocked.canBecome(TaskStatus.in_progress));
        for (TaskStatus end : List.of(TaskStatus.completed, TaskStatus.blocked, TaskStatus.queued, TaskStatus.failed)) {
            assertTrue(TaskStatus.in_progress.canBecome(end), "in_progress -> " + end);
        }
        assertFalse(TaskStatus.blocked.canBecome(TaskStatus.failed), "a waiting run fails through in_progress");
    }

    @Test
    void onlyAFailedTaskIsRedrivenAndARedriveIsNoOrdinaryMove() {
        for (TaskStatus status : TaskStatus.values()) {
            assertEquals(status == TaskStatus.failed, status.canBeRedriven(), status.name());
        }
        assertFalse(TaskStatus.failed.canBecome(TaskStatus.queued), "failed stays final to every other move");
        assertTrue(TaskStatus.failed.isFinal());
        ProblemException refused = assertThrows(ProblemException.class, TaskStatus.cancelled::requireCanBeRedriven);
        assertEquals(409, refused.status());
    }

    @Test
    void aForbiddenMoveIsAConflictNamingBothStates() {
        ProblemException refused = assertThrows(ProblemException.class,
                () -> TaskStatus.completed.requireCanBecome(TaskStatus.in_progress));
        assertEquals(409, refused.status());
        assertTrue(refused.getMessage().contains("completed") && refused.getMessage().contains("in_progress"));
    }

    @Test
    void onlyAQuestionPausesTheLease() {
        assertTrue(Task.BlockedReason.question.pausesLease());
        assertFalse(Task.BlockedReason.review.pausesLease());
        assertEquals(List.of("question"), Task.BlockedReason.pausingLease());
    }

    @Test
    void aBlockedTaskAwaitsAReviewOrAnAnswerAndOnlyTheAnswerPausesItsLease() {
        Task task = new Task();
        task.status = TaskStatus.blocked;
        task.blockedReason = Task.BlockedReason.review;
        assertTrue(task.awaitsReview());
        assertFalse(task.awaitsAnswer());
        assertFalse(task.leasePaused());
        task.blockedReason = Task.BlockedReason.question;
        assertTrue(task.awaitsAnswer());
        assertFalse(task.awaitsReview());
        assertTrue(task.leasePaused());
        task.status = TaskStatus.in_progress;
        task.blockedReason = null;
        assertFalse(task.awaitsAnswer() || task.awaitsReview() || task.leasePaused());
    }
}
