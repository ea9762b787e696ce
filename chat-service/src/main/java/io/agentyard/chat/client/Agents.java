package io.agentyard.chat.client;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.smallrye.mutiny.Uni;

/**
 * Agents as a caller sees them in agent-service, remembered briefly per caller
 * ({@code quarkus.cache.caffeine."agents"}): a conversation reads its agent's configuration for
 * every reply.
 */
@ApplicationScoped
public class Agents {

    private record Key(UUID agentId, String caller) {
    }

    private final AgentService agentService;
    private final Cache agents;

    Agents(AgentService agentService, @CacheName("agents") Cache agents) {
        this.agentService = agentService;
        this.agents = agents;
    }

    /** The agent, or 404 when it is not there for {@code caller}. */
    public Uni<AgentServiceClient.AgentProfile> readable(Caller caller, String authorization, UUID agentId) {
        return agents.<Key, Optional<AgentServiceClient.AgentProfile>>getAsync(new Key(agentId, caller.subject()),
                        key -> agentService.agent(agentId, authorization))
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("agent", agentId)));
    }
}
