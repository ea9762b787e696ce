package io.agentyard.shared.web;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /api/health}: the service's readiness under the API's own prefix, for clients written
 * against the AgentDB9 notes' API table (and for an ingress that exposes only {@code /api}). The
 * same checks and answer as {@code /q/health/ready}: 200 when UP, 503 when DOWN.
 */
@Path("/api/health")
@Tag(name = "Health", description = "Readiness of the service that answers")
public class HealthResource {

    @Inject
    SmallRyeHealthReporter health;

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "health", summary = "Is this service ready: its readiness checks (PostgreSQL, Redis...)")
    public Uni<Response> ready() {
        return health.getReadinessAsync().map(report -> Response.status(report.isDown() ? 503 : 200)
                .entity(report.getPayload().toString()).type(MediaType.APPLICATION_JSON).build());
    }
}
