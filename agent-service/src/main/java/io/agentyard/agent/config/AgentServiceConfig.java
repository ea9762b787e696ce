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
}
