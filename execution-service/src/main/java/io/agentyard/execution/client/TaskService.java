package io.agentyard.execution.client;

import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.agentyard.shared.security.ServiceToken;
import io.smallrye.mutiny.Uni;

/**
 * task-service behind a timeout, retries (the calls here are reads) and a circuit breaker; "not
 * found" is an answer (empty), not a failure. Callers turn failures into 503 problems.
 */
@ApplicationScoped
public class TaskService {

    private final TaskServiceClient client;
    private final ServiceToken token;

    TaskService(@RestClient TaskServiceClient client, ServiceToken token) {
        this.client = client;
        this.token = token;
    }

    /** Who holds execution {@code executionId}, asked with execution-service's own identity. */
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<Optional<ExecutionHolder>> holder(UUID executionId) {
        return token.header().chain(header -> client.holder(executionId, header))
                .map(Optional::of)
                .onFailure(TaskService::notFound).recoverWithItem(Optional.empty());
    }

    private static boolean notFound(Throwable failure) {
        return failure instanceof WebApplicationException web && web.getResponse().getStatus() == 404;
    }
}
