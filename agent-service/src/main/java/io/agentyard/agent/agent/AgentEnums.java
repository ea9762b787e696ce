package io.agentyard.agent.agent;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The closed value sets of an agent; constants are the wire and database values. */
public final class AgentEnums {

    private AgentEnums() {
    }

    @Schema(name = "AgentCategory")
    public enum Category { analysis, documentation, testing, review, deployment }

    @Schema(name = "AgentType")
    public enum Type { automation, assistive }

    /**
     * One status set merged from the seeds: lifecycle ({@code created}, {@code running},
     * {@code stopped}) and activity ({@code idle}, {@code thinking}, {@code coding},
     * {@code testing}), plus {@code error} and {@code offline}.
     */
    @Schema(name = "AgentStatus")
    public enum Status { created, idle, thinking, coding, testing, running, stopped, error, offline }
}
