package io.agentyard.execution.execution;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The merged status set of the notes. Dispatch records an execution {@code running} from its claim
 * (the claim is the start of the run); {@code pending}, the notes' "waiting to execute", is part of
 * the set for filters and for producers that record a run before it starts, and dispatch never
 * produces it. The last four are final: a finished execution takes no more writes.
 */
public enum ExecutionStatus {
    pending, running, completed, failed, timeout, cancelled;

    public boolean isFinal() {
        return this != pending && this != running;
    }

    /** The statuses that still take writes, as a SQL list ({@code 'pending', 'running'}) for statements that apply this rule. */
    public static String openAsSql() {
        return Arrays.stream(values()).filter(status -> !status.isFinal())
                .map(status -> "'" + status.name() + "'").collect(Collectors.joining(", "));
    }
}
