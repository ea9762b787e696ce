package io.agentyard.execution.log;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/** An execution's logs: appended in batches by its worker and queried ({@link LogStreamRoute} follows them live). */
@Tag(name = "Execution logs", description = "An execution's logs")
@Path("/api/executions/{executionId}/logs")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE, Roles.WORKER})
public class LogResource {

    static final String LIMIT_RULE = "must be between 1 and 1000";

    private final LogService logs;
    private final JsonWebToken jwt;

    LogResource(LogService logs, JsonWebToken jwt) {
        this.logs = logs;
        this.jwt = jwt;
    }

    @POST
    @RolesAllowed(Roles.WORKER)
    @APIResponse(responseCode = "201", description = "Stored", content = @Content(schema = @Schema(implementation = LogDtos.Stored.class)))
    @APIResponse(responseCode = "200", description = "A batch repeated with the same Idempotency-Key, stored before", content = @Content(schema = @Schema(implementation = LogDtos.Stored.class)))
    @APIResponse(responseCode = "409", description = "The execution is not running, or the caller no longer holds it")
    @Operation(operationId = "appendLogs", summary = "Append a batch of lines (the worker holding the running execution); "
            + "a batch repeated with the same Idempotency-Key is stored once")
    public Uni<RestResponse<LogDtos.Stored>> append(@PathParam("executionId") UUID executionId,
                                                    @HeaderParam("Idempotency-Key") String batchKey,
                                                    LogDtos.Batch batch) {
        return logs.append(Caller.from(jwt), executionId, batchKey, batch)
                .map(stored -> RestResponse.status(stored.duplicate() ? RestResponse.Status.OK
                        : RestResponse.Status.CREATED, stored));
    }

    @GET
    @Operation(operationId = "queryLogs", summary = "Lines in sequence order after ?after=, filtered by level, time range and text")
    public Uni<LogDtos.LogPage> query(@PathParam("executionId") UUID executionId,
                                      @QueryParam("after") @DefaultValue("0") @Min(value = 0, message = "must be 0 or more") long after,
                                      @QueryParam("level") List<LogDtos.Level> levels,
                                      @QueryParam("from") Instant from, @QueryParam("to") Instant to,
                                      @QueryParam("contains") String contains,
                                      @QueryParam("limit") @DefaultValue("100") @Min(value = 1, message = LIMIT_RULE)
                                      @Max(value = 1000, message = LIMIT_RULE) int limit) {
        return logs.query(Caller.from(jwt), executionId, after, levels, from, to, contains, limit);
    }
}
