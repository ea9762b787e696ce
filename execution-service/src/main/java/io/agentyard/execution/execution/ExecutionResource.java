package io.agentyard.execution.execution;

import java.time.Instant;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.agentyard.shared.page.CursorPage;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/**
 * Executions: read by the task's owner, admins, viewers and services (a worker: the runs it holds);
 * the worker holding a running execution adds metadata and activity. Also the history of an agent
 * and of a workflow, from this service's own records.
 */
@Tag(name = "Executions", description = "Executions: one per claimed work order, with status, metrics and activity")
@Path("/api")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE, Roles.WORKER})
public class ExecutionResource {

    static final String LIMIT_RULE = "must be between 1 and 100";

    private final ExecutionService executions;
    private final JsonWebToken jwt;

    ExecutionResource(ExecutionService executions, JsonWebToken jwt) {
        this.executions = executions;
        this.jwt = jwt;
    }

    /** What every list of executions takes: status, creation time range, cursor and page size. */
    public static class ListParams {

        @QueryParam("status")
        public ExecutionStatus status;

        /** {@code createdAt} at or after (ISO-8601). */
        @QueryParam("from")
        public Instant from;

        /** {@code createdAt} before (ISO-8601). */
        @QueryParam("to")
        public Instant to;

        /** The {@code nextCursor} of the previous page. */
        @QueryParam("cursor")
        public String cursor;

        @QueryParam("limit")
        @DefaultValue("20")
        @Min(value = 1, message = LIMIT_RULE)
        @Max(value = 100, message = LIMIT_RULE)
        public int limit;

        Uni<CursorPage<ExecutionDtos.ExecutionResponse>> list(ExecutionService executions, Caller caller, UUID taskId,
                                                             UUID agentId, UUID workflowId, UUID workerId) {
            return executions.list(caller, new ExecutionService.Filter(taskId, agentId, workflowId, workerId, status,
                    from, to), cursor, limit);
        }
    }

    @GET
    @Path("/executions")
    @Operation(operationId = "listExecutions", summary = "List executions the caller may read, newest first; filter and page with ?cursor=")
    public Uni<CursorPage<ExecutionDtos.ExecutionResponse>> list(
            @QueryParam("taskId") UUID taskId, @QueryParam("agentId") UUID agentId,
            @QueryParam("workflowId") UUID workflowId, @QueryParam("workerId") UUID workerId,
            @Valid @BeanParam ListParams params) {
        return params.list(executions, Caller.from(jwt), taskId, agentId, workflowId, workerId);
    }

    @GET
    @Path("/agents/{agentId}/executions")
    @Operation(operationId = "listAgentExecutions", summary = "An agent's execution history, newest first")
    public Uni<CursorPage<ExecutionDtos.ExecutionResponse>> ofAgent(@PathParam("agentId") UUID agentId,
                                                                    @Valid @BeanParam ListParams params) {
        return params.list(executions, Caller.from(jwt), null, agentId, null, null);
    }

    @GET
    @Path("/workflows/{workflowId}/executions")
    @Operation(operationId = "listWorkflowExecutions", summary = "A workflow's execution history, newest first")
    public Uni<CursorPage<ExecutionDtos.ExecutionResponse>> ofWorkflow(@PathParam("workflowId") UUID workflowId,
                                                                       @Valid @BeanParam ListParams params) {
        return params.list(executions, Caller.from(jwt), null, null, workflowId, null);
    }

    @GET
    @Path("/executions/{id}")
    @Operation(operationId = "getExecution", summary = "One execution, with its outcome and duration")
    public Uni<ExecutionDtos.ExecutionResponse> get(@PathParam("id") UUID id) {
        return executions.get(Caller.from(jwt), id);
    }

    @PATCH
    @Path("/executions/{id}")
    @RolesAllowed(Roles.WORKER)
    @APIResponse(responseCode = "409", description = "The execution is finished")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "updateExecutionMetadata", summary = "Merge keys into a running execution's metadata (the worker holding it)")
    public Uni<ExecutionDtos.ExecutionResponse> updateMetadata(@PathParam("id") UUID id,
                                                               @Valid @NotNull ExecutionDtos.MetadataUpdate update) {
        return executions.updateMetadata(Caller.from(jwt), id, update.metadata());
    }

    @POST
    @Path("/executions/{id}/activity")
    @RolesAllowed(Roles.WORKER)
    @ResponseStatus(202)
    @APIResponse(responseCode = "202", description = "Accepted: passed on to the execution's live followers")
    @APIResponse(responseCode = "409", description = "The execution is not running")
    @Operation(operationId = "recordExecutionActivity", summary = "Tell the execution's live followers what the agent is doing (the worker holding it)")
    public Uni<Void> activity(@PathParam("id") UUID id, @Valid @NotNull ExecutionDtos.Activity activity) {
        return executions.activity(Caller.from(jwt), id, activity);
    }
}
