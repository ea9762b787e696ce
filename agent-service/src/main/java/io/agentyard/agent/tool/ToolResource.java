package io.agentyard.agent.tool;

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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.security.Roles;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** The tool registry: admins write, every authenticated caller reads. */
@Tag(name = "Tools", description = "The tool registry")
@Path("/api/tools")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class ToolResource {

    private final ToolService tools;

    ToolResource(ToolService tools) {
        this.tools = tools;
    }

    @POST
    @APIResponseSchema(value = ToolDtos.ToolResponse.class, responseCode = "201", responseDescription = "The tool, registered; Location names it")
    @APIResponse(responseCode = "409", description = "A tool of that name exists")
    @Operation(operationId = "createTool", summary = "Register a tool; names are unique")
    public Uni<RestResponse<ToolDtos.ToolResponse>> create(@Valid @NotNull ToolDtos.Create request) {
        return tools.create(request).map(tool -> RestResponse.ResponseBuilder
                .<ToolDtos.ToolResponse>created(URI.create("/api/tools/" + tool.id())).entity(tool).build());
    }

    @GET
    @Authenticated
    @Operation(operationId = "listTools", summary = "List tools; sort by name, createdAt, toolType")
    public Uni<Page<ToolDtos.ToolResponse>> list(@QueryParam("toolType") Tool.Type toolType,
                                                 @QueryParam("active") Boolean active,
                                                 @Valid @BeanParam PageRequest page) {
        return tools.list(toolType, active, page);
    }

    @GET
    @Path("/{id}")
    @Authenticated
    @Operation(operationId = "getTool", summary = "Read a tool")
    public Uni<ToolDtos.ToolResponse> get(@PathParam("id") UUID id) {
        return tools.get(id);
    }

    @PATCH
    @Path("/{id}")
    @APIResponse(responseCode = "409", description = "A tool of that name exists")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "updateTool", summary = "Change a tool; fields left out stay as they are")
    public Uni<ToolDtos.ToolResponse> update(@PathParam("id") UUID id, @Valid @NotNull ToolDtos.Update update) {
        return tools.update(id, update);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    @Operation(operationId = "deleteTool", summary = "Remove a tool")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return tools.delete(id);
    }
}
