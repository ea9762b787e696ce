package io.agentyard.execution.client;

import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** task-service, as execution-service asks it (use {@link TaskService}, which adds fault tolerance). */
@RegisterRestClient(configKey = "task-service")
@Path("/api/work-orders")
public interface TaskServiceClient {

    /** Who holds an execution task-service issued: 404 when it never issued that id. */
    @GET
    @Path("/executions/{executionId}")
    Uni<ExecutionHolder> holder(@PathParam("executionId") UUID executionId,
                                @HeaderParam("Authorization") String authorization);
}
