package io.agentyard.execution.log;

import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agentyard.execution.execution.ExecutionService;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.reactive.SafeContext;
import io.agentyard.shared.security.Roles;
import io.agentyard.shared.web.EventStreams;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.core.Vertx;

/**
 * {@code GET /api/executions/{executionId}/logs/stream}: an execution's logs live, as Server-Sent
 * Events, from {@code Last-Event-ID} (or {@code ?after=}) on, until the run ends (frames:
 * {@link LogTails}). Same authentication, roles and read rule as the REST API, checked before the
 * stream starts, and problem responses when refused ({@link EventStreams}: why a Vert.x route).
 */
@ApplicationScoped
public class LogStreamRoute {

    private static final String PATH = "/api/executions/:executionId/logs/stream";
    private static final Set<String> READERS = Set.of(Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE,
            Roles.WORKER);

    private final LogTails tails;
    private final ExecutionService executions;
    private final EventStreams streams;
    private final Vertx vertx;

    LogStreamRoute(LogTails tails, ExecutionService executions, EventStreams streams, Vertx vertx) {
        this.tails = tails;
        this.executions = executions;
        this.streams = streams;
        this.vertx = vertx;
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(this::follow);
        streams.declare(PATH); // its followers' gauge exists at 0
    }

    private void follow(RoutingContext context) {
        UUID executionId;
        long after;
        try {
            executionId = executionId(context.pathParam("executionId"));
            after = EventStreams.position(context, "a log sequence number");
        } catch (ProblemException problem) {
            streams.refuse(context, problem);
            return;
        }
        streams.caller(context, READERS, "this role may not read executions")
                .call(caller -> SafeContext.run(vertx, () -> executions.readable(caller, executionId)))
                .subscribe().with(
                        caller -> streams.stream(context, "following execution " + executionId,
                                tails.follow(executionId, after),
                                () -> executions.readable(caller, executionId)),
                        failure -> streams.refuse(context, failure));
    }

    private static UUID executionId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.notFound("execution", id);
        }
    }
}
