package io.agentyard.execution.log;

import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.execution.execution.ExecutionService;
import io.agentyard.shared.problem.Problem;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.reactive.SafeContext;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.core.Vertx;

/**
 * {@code GET /api/executions/{executionId}/logs/stream}: an execution's logs live, as Server-Sent
 * Events, from {@code Last-Event-ID} (or {@code ?after=}) on, until the run ends (frames:
 * {@link LogTails}). Same authentication, roles and read rule as the REST API, checked before the
 * stream starts, and problem responses when refused.
 * <p>
 * A Vert.x route rather than a JAX-RS method: the REST layer's SSE writer serialises every event's
 * data to bytes and back to a String for each follower, which with 20 followers was most of the
 * service's CPU during an ingest (bench/results/logs-latest.md); here a frame encoded once is
 * written as it is to every follower. A follower whose connection cannot keep up (more than
 * {@value #WRITE_QUEUE_BYTES} bytes unsent) is ended: it reconnects with Last-Event-ID, as
 * EventSource does, and resumes from PostgreSQL, so a stuck reader never holds more memory here.
 */
@ApplicationScoped
public class LogStreamRoute {

    private static final Logger LOG = Logger.getLogger(LogStreamRoute.class);
    private static final String PATH = "/api/executions/:executionId/logs/stream";
    /** Bytes a follower may have unsent before it is ended (a few large reads' worth; Vert.x's default is 64 KiB). */
    private static final int WRITE_QUEUE_BYTES = 8 * 1024 * 1024;
    private static final Set<String> READERS = Set.of(Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE,
            Roles.WORKER);

    private final LogTails tails;
    private final ExecutionService executions;
    private final IdentityProviderManager identities;
    private final ObjectMapper json;
    private final Vertx vertx;

    LogStreamRoute(LogTails tails, ExecutionService executions, IdentityProviderManager identities, ObjectMapper json,
                   Vertx vertx) {
        this.tails = tails;
        this.executions = executions;
        this.identities = identities;
        this.json = json;
        this.vertx = vertx;
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(this::follow);
    }

    private void follow(RoutingContext context) {
        UUID executionId;
        long after;
        try {
            executionId = executionId(context.pathParam("executionId"));
            after = position(context);
        } catch (ProblemException problem) {
            refuse(context, problem);
            return;
        }
        QuarkusHttpUser.getSecurityIdentity(context, identities)
                .onFailure().transform(failure -> ProblemException.unauthorized("a valid access token is required"))
                .map(LogStreamRoute::caller)
                .chain(caller -> SafeContext.run(vertx, () -> executions.readable(caller, executionId)))
                .subscribe().with(readable -> stream(context, executionId, after), failure -> refuse(context, failure));
    }

    private static Caller caller(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            throw ProblemException.unauthorized("a valid access token is required");
        }
        if (identity.getRoles().stream().noneMatch(READERS::contains)) {
            throw ProblemException.forbidden("this role may not read executions");
        }
        return Caller.from(token);
    }

    private void stream(RoutingContext context, UUID executionId, long after) {
        HttpServerResponse response = context.response();
        if (response.closed()) {
            return;
        }
        response.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
        response.setChunked(true).putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        response.write(": following execution " + executionId + "\n\n"); // headers out at once
        Cancellable following = tails.follow(executionId, after).subscribe().with(frame -> {
            if (response.closed()) {
                return;
            }
            response.write(frame);
            if (response.writeQueueFull()) {
                LOG.debugf("A follower of execution %s cannot keep up; ending its stream", executionId);
                response.end();
            }
        }, failure -> {
            LOG.warnf("Following execution %s failed: %s", executionId, failure.getMessage());
            endQuietly(response);
        }, () -> endQuietly(response));
        response.closeHandler(closed -> following.cancel());
        response.endHandler(ended -> following.cancel());
    }

    private static void endQuietly(HttpServerResponse response) {
        if (!response.ended() && !response.closed()) {
            response.end();
        }
    }

    /** Answers a refusal as the REST API does: an RFC 9457 problem. */
    private void refuse(RoutingContext context, Throwable failure) {
        ProblemException problem = failure instanceof ProblemException known ? known
                : new ProblemException(500, "internal", "Internal error", "the stream could not be started");
        if (!(failure instanceof ProblemException)) {
            LOG.errorf(failure, "Starting a log stream failed");
        }
        HttpServerResponse response = context.response();
        if (response.ended() || response.closed()) {
            return;
        }
        problem.headers().forEach(response::putHeader);
        try {
            response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(problem.problem(context.request().path())));
        } catch (JsonProcessingException e) {
            response.setStatusCode(problem.status()).end();
        }
    }

    private static UUID executionId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.notFound("execution", id);
        }
    }

    /** Where the follower resumes: Last-Event-ID (a reconnecting EventSource) or ?after=, else the start. */
    private static long position(RoutingContext context) {
        String lastEventId = context.request().getHeader("Last-Event-ID");
        boolean resuming = lastEventId != null && !lastEventId.isBlank();
        String value = resuming ? lastEventId : context.queryParams().get("after");
        String name = resuming ? "Last-Event-ID" : "after";
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long position = Long.parseLong(value.trim());
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalidField(name, "must be a log sequence number (0 or more)");
    }
}
