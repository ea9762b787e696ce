package io.agentyard.task.dispatch;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/** The worker's API: claim work orders, keep the lease alive, report the outcome. */
@Tag(name = "Work orders", description = "The worker's API: claim, heartbeat, complete, fail")
@Path("/api/work-orders")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.WORKER)
public class WorkOrderResource {

    private final WorkOrderService workOrders;
    private final JsonWebToken jwt;

    WorkOrderResource(WorkOrderService workOrders, JsonWebToken jwt) {
        this.workOrders = workOrders;
        this.jwt = jwt;
    }

    @POST
    @Path("/claim")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "feature worker", value = """
                        {"queues": ["feature", "bugfix"], "max": 1, "waitSeconds": 20}
                        """)))
    @Operation(operationId = "claimWorkOrder", summary = "Claim up to max orders from the queues, waiting up to waitSeconds for work; [] if none")
    public Uni<List<WorkOrderDtos.ClaimedOrder>> claim(@Valid @NotNull WorkOrderDtos.Claim request) {
        return workOrders.claim(Caller.from(jwt), request);
    }

    @POST
    @Path("/{id}/heartbeat")
    @APIResponse(responseCode = "409", description = "The lease is gone or the attempt is stale (another holder took over)")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "workOrderHeartbeat", summary = "Extend the lease of the attempt presented (its holder only); says whether the task was"
            + " cancelled or awaits an answer to the worker's question, and hands over the answers to this attempt's"
            + " questions")
    public Uni<WorkOrderDtos.Heartbeat> heartbeat(@PathParam("id") UUID id,
                                                  @Valid @NotNull WorkOrderDtos.HeartbeatRequest request) {
        return workOrders.heartbeat(Caller.from(jwt), id, request.attempt());
    }

    @POST
    @Path("/{id}/complete")
    @APIResponse(responseCode = "409", description = "The lease is gone, the attempt is stale, or the order is already completed")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {@ExampleObject(name = "success", value = """
                        {"attempt": 1, "exitCode": 0, "result": {"summary": "Fixed the race in LoginTest"},
                         "metrics": {"durationMs": 84210, "tokens": 15230}}
                        """), @ExampleObject(name = "success, then the next order", value = """
                        {"attempt": 1, "exitCode": 0, "result": {"summary": "Fixed the race in LoginTest"},
                         "next": {"queues": ["feature", "bugfix"], "max": 1, "waitSeconds": 20}}
                        """)}))
    @APIResponse(responseCode = "200", description = "The completed order; with next, the orders claimed after it")
    @Operation(operationId = "completeWorkOrder", summary = "Report success with result, exit code, output and metrics (lease holder"
            + " only); with next (a claim's body), claim the next orders once it has committed, in the same request")
    public Uni<WorkOrderDtos.Completed> complete(@PathParam("id") UUID id,
                                                 @Valid @NotNull WorkOrderDtos.Completion completion) {
        return workOrders.complete(Caller.from(jwt), id, completion);
    }

    @POST
    @Path("/complete")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "two runs", value = """
                        {"completions": [
                          {"id": "0b6f1f7e-4d0c-4a8e-9a55-2f1d3c8e9b10", "attempt": 1, "exitCode": 0, "result": {"ok": true}},
                          {"id": "5c2a9d33-7e1b-4f6a-8c0d-91e4b2a7f3c5", "attempt": 2, "exitCode": 0, "result": {"ok": true}}]}
                        """)))
    @APIResponse(responseCode = "200", description = "Each completion's outcome, in order: 200 with the order, or the problem"
            + " its own request would have got (404, 403, 409); the refused ones change nothing")
    @Operation(operationId = "completeWorkOrders", summary = "Report several successful runs at once (up to 100, lease holder"
            + " only), each as POST /api/work-orders/{id}/complete would; one refused does not stop the others; with"
            + " next, claim the next orders once all are settled")
    public Uni<WorkOrderDtos.CompletionOutcomes> completeAll(@Valid @NotNull WorkOrderDtos.Completions request) {
        return workOrders.completeAll(Caller.from(jwt), request);
    }

    @POST
    @Path("/{id}/fail")
    @APIResponse(responseCode = "409", description = "The lease is gone or the attempt is stale")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "failWorkOrder", summary = "Report failure; retried with backoff while retries last (lease holder only)")
    public Uni<WorkOrderDtos.WorkOrderResponse> fail(@PathParam("id") UUID id,
                                                     @Valid @NotNull WorkOrderDtos.Failure failure) {
        return workOrders.fail(Caller.from(jwt), id, failure);
    }

    @GET
    @Path("/executions/{executionId}")
    @RolesAllowed({Roles.ADMIN, Roles.SERVICE})
    @Operation(operationId = "getExecutionHolder", summary = "Who holds (or held) an execution: its work order, attempt, worker, status and task's owner")
    public Uni<WorkOrderDtos.ExecutionHolder> holder(@PathParam("executionId") UUID executionId) {
        return workOrders.holderOf(executionId);
    }

    @GET
    @Path("/tasks/{taskId}/holder")
    @RolesAllowed({Roles.ADMIN, Roles.SERVICE})
    @Operation(operationId = "getTaskHolder", summary = "Who holds the task now: its running attempt (as for an execution); 404 when nobody does")
    public Uni<WorkOrderDtos.ExecutionHolder> taskHolder(@PathParam("taskId") UUID taskId) {
        return workOrders.holderOfTask(taskId);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE, Roles.WORKER})
    @Operation(operationId = "getWorkOrder", summary = "Read a work order: its task's owner, admins, services, and the worker holding it")
    public Uni<WorkOrderDtos.WorkOrderResponse> get(@PathParam("id") UUID id) {
        return workOrders.get(Caller.from(jwt), id);
    }
}
