package io.agentyard.agent.agent;

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
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.agentyard.agent.client.TaskServiceRefusal;
import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/** Agents: developers own theirs, admins see and change all, viewers and services read. */
@Tag(name = "Agents", description = "Agents: developers own theirs, admins see and change all, viewers and services read")
@Path("/api/agents")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
public class AgentResource {

    private final AgentService agents;
    private final JsonWebToken jwt;

    AgentResource(AgentService agents, JsonWebToken jwt) {
        this.agents = agents;
        this.jwt = jwt;
    }

    @POST
    @APIResponseSchema(value = AgentDtos.AgentResponse.class, responseCode = "201", responseDescription = "The agent, created; Location names it")
    @APIResponse(responseCode = "409", description = "The caller has an agent of that name")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "coder", value = """
                        {"name": "backend-coder", "description": "Writes and fixes Java services", "category": "analysis",
                         "agentType": "automation", "configuration": {"llmProvider": "openai", "model": "gpt-4o", "temperature": 0.2},
                         "capabilities": ["java", "sql"]}
                        """)))
    @Operation(operationId = "createAgent", summary = "Create an agent owned by the caller; names are unique per owner")
    public Uni<RestResponse<AgentDtos.AgentResponse>> create(@Valid @NotNull AgentDtos.Create request) {
        return agents.create(Caller.from(jwt), request).map(agent -> RestResponse.ResponseBuilder
                .<AgentDtos.AgentResponse>created(URI.create("/api/agents/" + agent.id())).entity(agent).build());
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "listAgents", summary = "List the agents the caller may see; sort by name, createdAt, updatedAt, status, category")
    public Uni<Page<AgentDtos.AgentResponse>> list(@QueryParam("category") AgentEnums.Category category,
                                                   @QueryParam("status") AgentEnums.Status status,
                                                   @QueryParam("active") Boolean active,
                                                   @QueryParam("ownerId") UUID ownerId,
                                                   @Valid @BeanParam PageRequest page) {
        return agents.list(Caller.from(jwt), new AgentRepository.Filter(ownerId, category, status, active), page);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "getAgent", summary = "Read an agent")
    public Uni<AgentDtos.AgentResponse> get(@PathParam("id") UUID id) {
        return agents.get(Caller.from(jwt), id);
    }

    @PUT
    @Path("/{id}")
    @APIResponse(responseCode = "409", description = "The caller has another agent of that name")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "replaceAgent", summary = "Replace an agent: the body of a create; optional fields left out take their defaults,"
            + " status stays unless given")
    public Uni<AgentDtos.AgentResponse> replace(@PathParam("id") UUID id, @Valid @NotNull AgentDtos.Create request) {
        return agents.replace(Caller.from(jwt), id, request);
    }

    @PATCH
    @Path("/{id}")
    @APIResponse(responseCode = "409", description = "The caller has another agent of that name")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "updateAgent", summary = "Change an agent; fields left out stay as they are")
    public Uni<AgentDtos.AgentResponse> update(@PathParam("id") UUID id, @Valid @NotNull AgentDtos.Update update) {
        return agents.update(Caller.from(jwt), id, update);
    }

    @POST
    @Path("/{id}/tasks")
    @APIResponse(responseCode = "201", description = "task-service's answer: the task, filed")
    @APIResponse(responseCode = "409", description = "The agent is not active, or its workflow cannot run")
    @APIResponse(responseCode = "503", description = "task-service is unavailable")
    @Operation(operationId = "fileAgentTask", summary = "File a task for the agent (owner or admin; the agent must be active), in task-service as the"
            + " caller; answers task-service's 201 and task, or its 4xx problem; 503 when task-service is unavailable")
    public Uni<RestResponse<String>> fileTask(@PathParam("id") UUID id, @NotNull AgentDtos.NewTask request) {
        return agents.fileTask(Caller.from(jwt), "Bearer " + jwt.getRawToken(), id, request)
                .map(filed -> RestResponse.ResponseBuilder.<String>created(filed.location())
                        .type(MediaType.APPLICATION_JSON_TYPE).entity(filed.body()).build());
    }

    /** task-service's 4xx answer goes to the caller as it is. */
    @ServerExceptionMapper
    public Response refused(TaskServiceRefusal refusal) {
        return refusal.toResponse();
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    @Operation(operationId = "deleteAgent", summary = "Delete an agent")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return agents.delete(Caller.from(jwt), id);
    }
}
