package io.agentyard.chat.client;

import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.smallrye.mutiny.Uni;

/** task-service, as chat-service asks it (use {@link TaskService}, which adds fault tolerance). */
@RegisterRestClient(configKey = "task-service")
@Path("/api")
public interface TaskServiceClient {

    /** Who holds a task now (service token): 404 when nobody does. */
    @GET
    @Path("/work-orders/tasks/{taskId}/holder")
    Uni<TaskHolder> holder(@PathParam("taskId") UUID taskId, @HeaderParam("Authorization") String authorization);

    /** A task, as the caller whose token this is may see it: 404 otherwise. */
    @GET
    @Path("/tasks/{id}")
    Uni<Reference> task(@PathParam("id") UUID id, @HeaderParam("Authorization") String authorization);

    /** A project, as the caller whose token this is may see it: 404 otherwise. */
    @GET
    @Path("/projects/{id}")
    Uni<Reference> project(@PathParam("id") UUID id, @HeaderParam("Authorization") String authorization);

    /** The claim holding a task: {@code status} is the worker assignment's ({@code active} while it runs). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TaskHolder(UUID taskId, UUID workerId, UUID ownerId, UUID executionId, int attempt, String status) {

        public boolean active() {
            return "active".equals(status);
        }
    }

    /** What chat-service needs of a task or project: that it is there for the caller, and whose it is. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Reference(UUID id, UUID ownerId, UUID createdBy, UUID projectId) {

        /** A task names its owner {@code createdBy}, a project {@code ownerId}. */
        public UUID owner() {
            return ownerId != null ? ownerId : createdBy;
        }
    }
}
