package io.agentyard.execution.step;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/** The steps of an execution. */
@Tag(name = "Execution steps", description = "The steps of an execution")
@Path("/api/executions/{executionId}/steps")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.WORKER)
public class StepResource {

    private final StepService steps;
    private final JsonWebToken jwt;

    StepResource(StepService steps, JsonWebToken jwt) {
        this.steps = steps;
        this.jwt = jwt;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE, Roles.WORKER})
    @Operation(operationId = "listSteps", summary = "The execution's steps in the order they started")
    public Uni<List<StepDtos.StepResponse>> list(@PathParam("executionId") UUID executionId) {
        return steps.list(Caller.from(jwt), executionId);
    }

    @POST
    @APIResponseSchema(value = StepDtos.StepResponse.class, responseCode = "201", responseDescription = "The step, started")
    @APIResponse(responseCode = "409", description = "The execution is not running")
    @Operation(operationId = "startStep", summary = "Start a step (the worker holding the running execution)")
    public Uni<RestResponse<StepDtos.StepResponse>> start(@PathParam("executionId") UUID executionId,
                                                          @Valid @NotNull StepDtos.Start request) {
        return steps.start(Caller.from(jwt), executionId, request).map(step -> RestResponse.ResponseBuilder
                .<StepDtos.StepResponse>created(URI.create("/api/executions/" + executionId + "/steps/" + step.id()))
                .entity(step).build());
    }

    @PATCH
    @Path("/{stepId}")
    @APIResponse(responseCode = "409", description = "The step is already finished")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "finishStep", summary = "Finish a step: completed (default) or failed, with its output or error")
    public Uni<StepDtos.StepResponse> finish(@PathParam("executionId") UUID executionId,
                                             @PathParam("stepId") UUID stepId,
                                             @Valid @NotNull StepDtos.Finish request) {
        return steps.finish(Caller.from(jwt), executionId, stepId, request);
    }
}
