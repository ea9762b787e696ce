package io.agentyard.agent.workflow;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/** Versioned workflow definitions, owned like agents. */
@Tag(name = "Workflows", description = "Versioned workflow definitions, owned like agents")
@Path("/api/workflows")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
public class WorkflowResource {

    private final WorkflowService workflows;
    private final JsonWebToken jwt;

    WorkflowResource(WorkflowService workflows, JsonWebToken jwt) {
        this.workflows = workflows;
        this.jwt = jwt;
    }

    @POST
    @APIResponseSchema(value = WorkflowDtos.WorkflowResponse.class, responseCode = "201", responseDescription = "The workflow, version 1; Location names it")
    @APIResponse(responseCode = "409", description = "The caller has a workflow of that name")
    @APIResponse(responseCode = "422", description = "The definition is not a valid graph (unknown node, cycle...)")
    @Operation(operationId = "createWorkflow", summary = "Create a workflow (version 1)")
    public Uni<RestResponse<WorkflowDtos.WorkflowResponse>> create(@Valid @NotNull WorkflowDtos.Create request) {
        return workflows.create(Caller.from(jwt), request).map(workflow -> RestResponse.ResponseBuilder
                .<WorkflowDtos.WorkflowResponse>created(URI.create("/api/workflows/" + workflow.id()))
                .entity(workflow).build());
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "listWorkflows", summary = "List the workflows the caller may see, with their current definition")
    public Uni<Page<WorkflowDtos.WorkflowResponse>> list(@QueryParam("active") Boolean active,
                                                         @Valid @BeanParam PageRequest page) {
        return workflows.list(Caller.from(jwt), active, page);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "getWorkflow", summary = "Read a workflow and its current definition")
    public Uni<WorkflowDtos.WorkflowResponse> get(@PathParam("id") UUID id) {
        return workflows.get(Caller.from(jwt), id);
    }

    @PATCH
    @Path("/{id}")
    @APIResponse(responseCode = "409", description = "The caller has another workflow of that name")
    @APIResponse(responseCode = "422", description = "The definition is not a valid graph (unknown node, cycle...)")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "updateWorkflow", summary = "Change a workflow; a new definition becomes the next version")
    public Uni<WorkflowDtos.WorkflowResponse> update(@PathParam("id") UUID id,
                                                     @Valid @NotNull WorkflowDtos.Update update) {
        return workflows.update(Caller.from(jwt), id, update);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    @Operation(operationId = "deleteWorkflow", summary = "Delete a workflow and all its versions")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return workflows.delete(Caller.from(jwt), id);
    }

    @GET
    @Path("/{id}/versions")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "listWorkflowVersions", summary = "Every version of a workflow, newest first")
    public Uni<Page<WorkflowDtos.VersionResponse>> versions(@PathParam("id") UUID id,
                                                            @Valid @BeanParam PageRequest page) {
        return workflows.versions(Caller.from(jwt), id, page);
    }

    @GET
    @Path("/{id}/versions/{version}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "getWorkflowVersion", summary = "One version of a workflow")
    public Uni<WorkflowDtos.VersionResponse> version(@PathParam("id") UUID id, @PathParam("version") int version) {
        return workflows.version(Caller.from(jwt), id, version);
    }
}
