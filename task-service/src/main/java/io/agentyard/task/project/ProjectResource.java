package io.agentyard.task.project;

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
import jakarta.ws.rs.PUT;
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

/** Projects, owned like agents. */
@Tag(name = "Projects", description = "Projects, owned like agents")
@Path("/api/projects")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
public class ProjectResource {

    private final ProjectService projects;
    private final JsonWebToken jwt;

    ProjectResource(ProjectService projects, JsonWebToken jwt) {
        this.projects = projects;
        this.jwt = jwt;
    }

    @POST
    @APIResponseSchema(value = ProjectDtos.ProjectResponse.class, responseCode = "201", responseDescription = "The project, created; Location names it")
    @APIResponse(responseCode = "409", description = "The caller has a project of that name")
    @Operation(operationId = "createProject", summary = "Create a project owned by the caller")
    public Uni<RestResponse<ProjectDtos.ProjectResponse>> create(@Valid @NotNull ProjectDtos.Create request) {
        return projects.create(Caller.from(jwt), request).map(project -> RestResponse.ResponseBuilder
                .<ProjectDtos.ProjectResponse>created(URI.create("/api/projects/" + project.id())).entity(project)
                .build());
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "listProjects", summary = "List the projects the caller may see (deleted ones only with ?status=deleted)")
    public Uni<Page<ProjectDtos.ProjectResponse>> list(@QueryParam("status") Project.Status status,
                                                       @Valid @BeanParam PageRequest page) {
        return projects.list(Caller.from(jwt), status, page);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "getProject", summary = "Read a project")
    public Uni<ProjectDtos.ProjectResponse> get(@PathParam("id") UUID id) {
        return projects.get(Caller.from(jwt), id);
    }

    @PUT
    @Path("/{id}")
    @APIResponse(responseCode = "409", description = "The caller has another project of that name")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "replaceProject", summary = "Replace a project: the body of a create; optional fields left out are cleared, status stays")
    public Uni<ProjectDtos.ProjectResponse> replace(@PathParam("id") UUID id, @Valid @NotNull ProjectDtos.Create request) {
        return projects.replace(Caller.from(jwt), id, request);
    }

    @PATCH
    @Path("/{id}")
    @APIResponse(responseCode = "409", description = "The caller has another project of that name")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "updateProject", summary = "Change a project; fields left out stay as they are")
    public Uni<ProjectDtos.ProjectResponse> update(@PathParam("id") UUID id, @Valid @NotNull ProjectDtos.Update update) {
        return projects.update(Caller.from(jwt), id, update);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    @Operation(operationId = "deleteProject", summary = "Delete a project (marked deleted; its tasks remain)")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return projects.delete(Caller.from(jwt), id);
    }
}
