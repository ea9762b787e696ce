package io.agentyard.shared.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Events of agent-service, on stream {@code agentyard.agent.events}. */
public final class AgentEvents {

    public static final String SOURCE = "agent";

    public static final String AGENT_CREATED = "agent.created";
    public static final String AGENT_UPDATED = "agent.updated";
    public static final String AGENT_DEACTIVATED = "agent.deactivated";
    public static final String AGENT_DELETED = "agent.deleted";

    public static final String WORKFLOW_CREATED = "workflow.created";
    public static final String WORKFLOW_UPDATED = "workflow.updated";
    public static final String WORKFLOW_DELETED = "workflow.deleted";

    public static final String WORKER_REGISTERED = "worker.registered";
    public static final String WORKER_UPDATED = "worker.updated";
    public static final String WORKER_STATUS_CHANGED = "worker.status_changed";
    public static final String WORKER_OFFLINE = "worker.offline";
    public static final String WORKER_DELETED = "worker.deleted";

    private AgentEvents() {
    }

    /** An agent's current state (created, updated, deactivated, deleted). */
    public record AgentChanged(UUID agentId, UUID ownerId, String name, String category, String agentType,
                               String status, boolean active) {
    }

    /** A workflow's current state; {@code version} is its current definition version. */
    public record WorkflowChanged(UUID workflowId, UUID ownerId, String name, int version, boolean active) {
    }

    /**
     * A worker's registration or update: what it serves, how much at once, and how long one run may
     * take when its task does not say ({@code timeoutSeconds}; absent from events before it was added).
     */
    public record WorkerChanged(UUID workerId, String name, String workerType, int maxConcurrentTasks,
                                List<String> capabilities, Integer timeoutSeconds) {
    }

    public record WorkerStatusChanged(UUID workerId, String previousStatus, String status, int currentLoad) {
    }

    /** The worker stopped heartbeating; task-service expires its leases. */
    public record WorkerOffline(UUID workerId, Instant lastHeartbeatAt) {
    }

    public record WorkerDeleted(UUID workerId) {
    }
}
