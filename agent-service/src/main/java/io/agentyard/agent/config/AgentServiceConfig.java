package io.agentyard.agent.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** Settings of agent-service ({@code agentyard.agent.*}). */
@ConfigMapping(prefix = "agentyard.agent")
public interface AgentServiceConfig {

    /** A worker whose last heartbeat is older than this is marked offline. */
    Duration workerHeartbeatTimeout();

    /** How often the reaper looks for silent workers. */
    Duration reaperInterval();

    /** Calls to task-service (client/TaskService); its fault-tolerance settings read these too. */
    TaskService taskService();

    interface TaskService {

        /** A call that has not answered after this long fails with 503. */
        long timeoutMillis();

        /** How long the circuit stays open after repeated failures (calls fail at once with 503). */
        long breakerDelayMillis();
    }
}
