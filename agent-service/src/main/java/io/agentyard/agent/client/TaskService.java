package io.agentyard.agent.client;

import java.net.URI;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.agentyard.agent.config.AgentServiceConfig;
import io.agentyard.shared.problem.ProblemException;
import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;

/**
 * task-service behind a timeout and a circuit breaker. A refusal (4xx) comes back as
 * {@link TaskServiceRefusal}; task-service down, slow, failing (5xx) or the circuit open comes back
 * as a 503 problem with Retry-After, at the latest after the timeout.
 * <p>
 * Filing a task is not idempotent, so it is never retried: after a timeout the task may exist.
 * Timeout and breaker are set in application.properties ({@code agentyard.agent.task-service.*}).
 */
@ApplicationScoped
public class TaskService {

    /** The circuit breaker's name, for {@code CircuitBreakerMaintenance}. */
    public static final String BREAKER = "task-service";

    private static final Logger LOG = Logger.getLogger(TaskService.class);

    private final TaskServiceClient client;
    private final AgentServiceConfig config;

    TaskService(@RestClient TaskServiceClient client, AgentServiceConfig config) {
        this.client = client;
        this.config = config;
    }

    /** A task filed in task-service: where it is, and task-service's JSON of it. */
    public record FiledTask(URI location, String body) {
    }

    /** Files {@code task} in task-service as the caller whose {@code authorization} header this is. */
    @AsynchronousNonBlocking
    @Timeout(3000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 10_000, successThreshold = 1,
            skipOn = TaskServiceRefusal.class)
    @CircuitBreakerName(BREAKER)
    @Fallback(fallbackMethod = "unavailable", skipOn = TaskServiceRefusal.class)
    public Uni<FiledTask> fileTask(String authorization, TaskServiceClient.NewTask task) {
        return client.create(authorization, task).map(response -> {
            if (response.getStatus() != 201) {
                throw new IllegalStateException("task-service answered " + response.getStatus() + " to a new task");
            }
            return new FiledTask(response.getLocation(), response.getEntity());
        });
    }

    Uni<FiledTask> unavailable(String authorization, TaskServiceClient.NewTask task, Throwable failure) {
        String why;
        Duration retryAfter = Duration.ofSeconds(1);
        if (failure instanceof CircuitBreakerOpenException) {
            why = "task-service failed repeatedly and is not called for now";
            retryAfter = Duration.ofMillis(config.taskService().breakerDelayMillis());
        } else if (failure instanceof TimeoutException) {
            why = "task-service did not answer within " + config.taskService().timeoutMillis() + " ms";
        } else {
            why = "task-service could not be reached or failed";
        }
        LOG.warnf("Filing a task in task-service failed: %s (%s)", why, failure);
        return Uni.createFrom().failure(ProblemException.serviceUnavailable(why + "; try again later", retryAfter));
    }
}
