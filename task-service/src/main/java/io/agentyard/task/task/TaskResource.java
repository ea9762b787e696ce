package io.agentyard.task.task;

import java.net.URI;
import java.util.List;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
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

/** Tasks, their dependencies, and the people's actions on them (cancel, approve, reject). */
@Tag(name = "Tasks", description = "Tasks, their dependencies, and the people's actions on them (cancel, approve, reject)")
@Path("/api/tasks")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
public class TaskResource {

    private final TaskService tasks;
    private final JsonWebToken jwt;

    TaskResource(TaskService tasks, JsonWebToken jwt) {
        this.tasks = tasks;
        this.jwt = jwt;
    }

    @POST
    @APIResponseSchema(value = TaskDtos.TaskResponse.class, responseCode = "201", responseDescription = "The task, filed; Location names it")
    @APIResponse(responseCode = "409", description = "The parent task or project cannot take it (finished, archived)")
    @APIResponse(responseCode = "503", description = "Another service the filing needs is unavailable")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "bugfix", value = """
                        {"title": "Fix the flaky login test", "taskType": "bugfix", "permissionLevel": "supervised",
                         "priority": "high", "repositoryUrl": "https://github.com/acme/shop.git", "branchName": "main"}
                        """)))
    @Operation(operationId = "createTask", summary = "File a task; it is dispatched at once unless blocked or awaiting approval")
    public Uni<RestResponse<TaskDtos.TaskResponse>> create(@Valid @NotNull TaskDtos.Create request) {
        return tasks.create(Caller.from(jwt), request).map(task -> RestResponse.ResponseBuilder
                .<TaskDtos.TaskResponse>created(URI.create("/api/tasks/" + task.id())).entity(task).build());
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "listTasks", summary = "List tasks; sort by createdAt, updatedAt, priority, status, title")
    public Uni<Page<TaskDtos.TaskResponse>> list(@QueryParam("status") TaskStatus status,
                                                 @QueryParam("taskType") Task.Type taskType,
                                                 @QueryParam("priority") Task.Priority priority,
                                                 @QueryParam("projectId") UUID projectId,
                                                 @QueryParam("assignedTo") UUID assignedTo,
                                                 @QueryParam("createdBy") UUID createdBy,
                                                 @QueryParam("parentTaskId") UUID parentTaskId,
                                                 @QueryParam("agentId") UUID agentId,
                                                 @QueryParam("workflowId") UUID workflowId,
                                                 @Valid @BeanParam PageRequest page) {
        return tasks.list(Caller.from(jwt), new TaskService.Filter(status, taskType, priority, projectId, assignedTo,
                createdBy, parentTaskId, agentId, workflowId), page);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "getTask", summary = "Read a task")
    public Uni<TaskDtos.TaskResponse> get(@PathParam("id") UUID id) {
        return tasks.get(Caller.from(jwt), id);
    }

    @PATCH
    @Path("/{id}")
    @Operation(operationId = "updateTask", summary = "Change a task's details; fields left out stay as they are")
    public Uni<TaskDtos.TaskResponse> update(@PathParam("id") UUID id, @Valid @NotNull TaskDtos.Update update) {
        return tasks.update(Caller.from(jwt), id, update);
    }

    @POST
    @Path("/{id}/cancel")
    @APIResponse(responseCode = "409", description = "The task is already finished")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "cancelTask", summary = "Cancel the task and its open subtasks")
    public Uni<TaskDtos.TaskResponse> cancel(@PathParam("id") UUID id) {
        return tasks.cancel(Caller.from(jwt), id);
    }

    @POST
    @Path("/{id}/approve")
    @APIResponse(responseCode = "409", description = "The task awaits no approval")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "approveTask", summary = "Approve: dispatch a human_required task, or complete a supervised task awaiting review")
    public Uni<TaskDtos.TaskResponse> approve(@PathParam("id") UUID id, @Valid TaskDtos.Review review) {
        return tasks.approve(Caller.from(jwt), id, review);
    }

    @POST
    @Path("/{id}/reject")
    @APIResponse(responseCode = "409", description = "The task awaits no approval")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "rejectTask", summary = "Reject: re-queue a supervised task with the comment, or cancel an unapproved one")
    public Uni<TaskDtos.TaskResponse> reject(@PathParam("id") UUID id, @Valid @NotNull TaskDtos.Rejection rejection) {
        return tasks.reject(Caller.from(jwt), id, rejection);
    }

    @GET
    @Path("/{id}/dependencies")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE})
    @Operation(operationId = "listTaskDependencies", summary = "Dependencies from and to the task")
    public Uni<List<TaskDtos.DependencyResponse>> dependencies(@PathParam("id") UUID id) {
        return tasks.dependencies(Caller.from(jwt), id);
    }

    @POST
    @Path("/{id}/dependencies")
    @ResponseStatus(201)
    @APIResponse(responseCode = "409", description = "The dependency would close a cycle of blocks, or the task is finished")
    @APIResponseSchema(value = TaskDtos.DependencyResponse.class, responseCode = "201", responseDescription = "The dependency, added")
    @Operation(operationId = "addTaskDependency", summary = "Make the task depend on another (blocks, related, duplicate); cycles of blocks are refused")
    public Uni<TaskDtos.DependencyResponse> addDependency(@PathParam("id") UUID id,
                                                          @Valid @NotNull TaskDtos.NewDependency request) {
        return tasks.addDependency(Caller.from(jwt), id, request);
    }

    @DELETE
    @Path("/{id}/dependencies/{dependsOn}")
    @ResponseStatus(204)
    @Operation(operationId = "removeTaskDependency", summary = "Remove a dependency; a task no longer blocked is dispatched")
    public Uni<Void> removeDependency(@PathParam("id") UUID id, @PathParam("dependsOn") UUID dependsOn) {
        return tasks.removeDependency(Caller.from(jwt), id, dependsOn);
    }
}
