package io.agentyard.chat.client;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.agentyard.shared.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * agent-service behind a timeout, retries (a read) and a circuit breaker; "not there for this
 * caller" (404 or 403) is an empty answer, agent-service down a 503 problem with Retry-After.
 * {@link Agents} remembers answers briefly.
 */
@ApplicationScoped
public class AgentService {

    private static final Logger LOG = Logger.getLogger(AgentService.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final AgentServiceClient client;

    AgentService(@RestClient AgentServiceClient client) {
        this.client = client;
    }

    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<Optional<AgentServiceClient.AgentProfile>> agent(UUID id, String authorization) {
        return client.agent(id, authorization).map(Optional::of)
                .onFailure(AgentService::absent).recoverWithItem(Optional.empty())
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(failure -> {
                    LOG.warnf("Asking agent-service for agent %s failed: %s", id, failure.toString());
                    return ProblemException.serviceUnavailable(
                            "agent-service cannot be reached to read the agent; try again later", RETRY_AFTER);
                });
    }

    private static boolean absent(Throwable failure) {
        if (failure instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return status == 404 || status == 403;
        }
        return false;
    }
}
