package io.agentyard.execution.log;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.UUID;

import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.container.ContainerRequestContext;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.agentyard.execution.execution.ExecutionService;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * On a streaming endpoint under {@code {executionId}}: the caller must be allowed to read that
 * execution before the response starts. A stream's status line goes out with its first bytes, so
 * a refusal raised inside the stream could only break it; this check answers a problem instead.
 */
@NameBinding
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ReadableExecution {

    /** The filter behind the annotation. */
    class Check {

        private final ExecutionService executions;
        private final JsonWebToken jwt;

        Check(ExecutionService executions, JsonWebToken jwt) {
            this.executions = executions;
            this.jwt = jwt;
        }

        @ServerRequestFilter
        @ReadableExecution
        public Uni<Void> readable(ContainerRequestContext request) {
            String id = request.getUriInfo().getPathParameters().getFirst("executionId");
            UUID executionId;
            try {
                executionId = UUID.fromString(id);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw ProblemException.notFound("execution", id);
            }
            return executions.readable(Caller.from(jwt), executionId).replaceWithVoid();
        }
    }
}
