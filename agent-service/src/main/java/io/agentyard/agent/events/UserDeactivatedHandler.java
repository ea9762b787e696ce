package io.agentyard.agent.events;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.agent.agent.AgentService;
import io.agentyard.shared.events.EventEnvelope;
import io.agentyard.shared.events.EventHandler;
import io.agentyard.shared.events.IdentityEvents;
import io.smallrye.mutiny.Uni;

/** When identity-service deactivates a user, that user's agents become inactive. */
@ApplicationScoped
public class UserDeactivatedHandler implements EventHandler {

    private static final Logger LOG = Logger.getLogger(UserDeactivatedHandler.class);

    private final AgentService agents;

    UserDeactivatedHandler(AgentService agents) {
        this.agents = agents;
    }

    @Override
    public String source() {
        return IdentityEvents.SOURCE;
    }

    @Override
    public Set<String> types() {
        return Set.of(IdentityEvents.USER_DEACTIVATED);
    }

    @Override
    public Uni<Void> handle(EventEnvelope event) {
        IdentityEvents.UserDeactivated data = event.data(IdentityEvents.UserDeactivated.class);
        return agents.deactivateAllOf(data.userId())
                .invoke(count -> LOG.infof("User %s deactivated: %d agent(s) made inactive", data.userId(), count))
                .replaceWithVoid();
    }
}
