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
import io.agentyard.shared.security.ServiceToken;
import io.smallrye.mutiny.Uni;

/**
 * task-service behind a timeout, retries (every call here is a read) and a circuit breaker. "Not
 * there" (404, or 403: what one may not see does not exist) is an answer, empty; task-service down
 * or failing becomes a 503 problem with Retry-After.
 */
@ApplicationScoped
public class TaskService {

    private static final Logger LOG = Logger.getLogger(TaskService.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final TaskServiceClient client;
    private final ServiceToken token;

    TaskService(@RestClient TaskServiceClient client, ServiceToken token) {
        this.client = client;
        this.token = token;
    }

    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    /** Who holds a task now (asked with chat-service's own identity; see {@link TaskHolders}). */
    public Uni<Optional<TaskServiceClient.TaskHolder>> holder(UUID taskId) {
        return token.header().chain(header -> client.holder(taskId, header)).map(Optional::of)
                .onFailure(TaskService::absent).recoverWithItem(Optional.empty())
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(TaskService::unavailable);
    }

    /** The task, if the caller ({@code authorization}) may see it. */
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<Optional<TaskServiceClient.Reference>> task(UUID id, String authorization) {
        return read(client.task(id, authorization));
    }

    /** The project, if the caller ({@code authorization}) may see it. */
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<Optional<TaskServiceClient.Reference>> project(UUID id, String authorization) {
        return read(client.project(id, authorization));
    }

    private static Uni<Optional<TaskServiceClient.Reference>> read(Uni<TaskServiceClient.Reference> call) {
        return call.map(Optional::of).onFailure(TaskService::absent).recoverWithItem(Optional.empty())
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(TaskService::unavailable);
    }

    private static ProblemException unavailable(Throwable failure) {
        LOG.warnf("Asking task-service failed: %s", failure.toString());
        return ProblemException.serviceUnavailable("task-service cannot be reached to check this; try again later",
                RETRY_AFTER);
    }

    private static boolean absent(Throwable failure) {
        if (failure instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return status == 404 || status == 403;
        }
        return false;
    }
}
