package io.agentyard.agent.agent;

/** The closed value sets of an agent; constants are the wire and database values. */
public final class AgentEnums {

    private AgentEnums() {
    }

    public enum Category { analysis, documentation, testing, review, deployment }

    public enum Type { automation, assistive }

    /**
     * One status set merged from the seeds: lifecycle ({@code created}, {@code running},
     * {@code stopped}) and activity ({@code idle}, {@code thinking}, {@code coding},
     * {@code testing}), plus {@code error} and {@code offline}.
     */
    public enum Status { created, idle, thinking, coding, testing, running, stopped, error, offline }
}
