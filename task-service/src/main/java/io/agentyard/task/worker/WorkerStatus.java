package io.agentyard.task.worker;

import java.util.Arrays;

/**
 * A worker's status as agent-service reports it (worker.* events). The rule: only a worker that
 * heartbeats may claim. One that never heartbeated, or stopped ({@code offline}), or reported an
 * {@code error}, heartbeats agent-service first; its claims are refused (409) until that reaches
 * task-service.
 */
public enum WorkerStatus {
    idle, busy, offline, error;

    public boolean mayClaim() {
        return this == idle || this == busy;
    }

    /** Whether a status agent-service reported may claim; one this service does not know may not. */
    public static boolean mayClaim(String status) {
        return Arrays.stream(values()).anyMatch(known -> known.name().equals(status) && known.mayClaim());
    }

    /** The statuses that may claim, as the claim statement takes them. */
    public static String[] claiming() {
        return Arrays.stream(values()).filter(WorkerStatus::mayClaim).map(Enum::name).toArray(String[]::new);
    }
}
