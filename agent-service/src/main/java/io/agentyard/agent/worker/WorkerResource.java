package io.agentyard.agent.worker;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

import io.agentyard.shared.page.Page;
import io.agentyard.shared.page.PageRequest;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/** The worker registry, worker heartbeats, and the eligibility query task-service uses. */
@Tag(name = "Workers", description = "The worker registry, worker heartbeats, and the eligibility query task-service uses")
@Path("/api/workers")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class WorkerResource {

    private final WorkerService workers;
    private final JsonWebToken jwt;

    WorkerResource(WorkerService workers, JsonWebToken jwt) {
        this.workers = workers;
        this.jwt = jwt;
    }

    @POST
    @APIResponseSchema(value = WorkerDtos.WorkerResponse.class, responseCode = "201", responseDescription = "The worker, registered (offline until its first heartbeat)")
    @APIResponse(responseCode = "409", description = "A worker of that name exists")
    @Operation(operationId = "registerWorker", summary = "Register a worker (starts offline until its first heartbeat)")
    public Uni<RestResponse<WorkerDtos.WorkerResponse>> register(@Valid @NotNull WorkerDtos.Register request) {
        return workers.register(Caller.from(jwt), request).map(worker -> RestResponse.ResponseBuilder
                .<WorkerDtos.WorkerResponse>created(URI.create("/api/workers/" + worker.id())).entity(worker).build());
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "listWorkers", summary = "List workers; sort by name, createdAt, status, workerType, lastHeartbeatAt")
    public Uni<Page<WorkerDtos.WorkerResponse>> list(@QueryParam("workerType") Worker.Type workerType,
                                                     @QueryParam("status") Worker.Status status,
                                                     @Valid @BeanParam PageRequest page) {
        return workers.list(workerType, status, page);
    }

    @GET
    @Path("/eligible")
    @RolesAllowed({Roles.ADMIN, Roles.SERVICE})
    @Operation(operationId = "listEligibleWorkers", summary = "Workers that can serve a task type now: ?workerType=feature&capability=java:advanced")
    public Uni<List<WorkerDtos.WorkerResponse>> eligible(
            @QueryParam("workerType") @NotNull Worker.Type workerType,
            @QueryParam("capability") List<String> capabilities,
            @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit) {
        return workers.eligible(workerType, capabilities == null ? List.of() : capabilities, limit);
    }

    @PUT
    @Path("/me")
    @RolesAllowed(Roles.WORKER)
    @APIResponse(responseCode = "201", description = "Registered", content = @Content(schema = @Schema(implementation = WorkerDtos.WorkerResponse.class)))
    @APIResponse(responseCode = "200", description = "Already registered: updated", content = @Content(schema = @Schema(implementation = WorkerDtos.WorkerResponse.class)))
    @APIResponse(responseCode = "409", description = "A worker of that name exists")
    @Operation(operationId = "registerSelfAsWorker", summary = "A worker registers itself (id = its token's subject): 201 when new, else 200, updated")
    public Uni<RestResponse<WorkerDtos.WorkerResponse>> registerSelf(@Valid @NotNull WorkerDtos.Register request) {
        return workers.registerSelf(Caller.from(jwt), request).map(done -> done.created()
                ? RestResponse.ResponseBuilder.<WorkerDtos.WorkerResponse>created(
                        URI.create("/api/workers/" + done.worker().id())).entity(done.worker()).build()
                : RestResponse.ok(done.worker()));
    }

    @GET
    @Path("/me")
    @RolesAllowed(Roles.WORKER)
    @Operation(operationId = "getOwnWorker", summary = "The calling worker's own record (404 until it has registered)")
    public Uni<WorkerDtos.WorkerResponse> self() {
        return workers.self(Caller.from(jwt));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE, Roles.WORKER})
    @Operation(operationId = "getWorker", summary = "Read a worker; a worker identity may read only itself")
    public Uni<WorkerDtos.WorkerResponse> get(@PathParam("id") UUID id) {
        return workers.get(Caller.from(jwt), id);
    }

    @PATCH
    @Path("/{id}")
    @APIResponse(responseCode = "409", description = "A worker of that name exists")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "updateWorker", summary = "Change a worker; capabilities, when given, replace its set")
    public Uni<WorkerDtos.WorkerResponse> update(@PathParam("id") UUID id, @Valid @NotNull WorkerDtos.Update update) {
        return workers.update(id, update);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    @Operation(operationId = "deleteWorker", summary = "Remove a worker")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return workers.delete(id);
    }

    @POST
    @Path("/{id}/heartbeat")
    @RolesAllowed(Roles.WORKER)
    @Operation(operationId = "workerHeartbeat", summary = "The worker itself reports status (idle, busy, error) and load")
    public Uni<WorkerDtos.WorkerResponse> heartbeat(@PathParam("id") UUID id,
                                                    @Valid @NotNull WorkerDtos.Heartbeat heartbeat) {
        return workers.heartbeat(Caller.from(jwt), id, heartbeat);
    }
}
