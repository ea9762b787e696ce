package io.agentyard.agent.client;

import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/**
 * task-service as agent-service calls it. Use {@link TaskService}, which adds the timeout and the
 * circuit breaker. The body of an answer is kept as task-service wrote it, to be passed on as is.
 */
@RegisterRestClient(configKey = "task-service")
@Path("/api/tasks")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface TaskServiceClient {

    /** POST /api/tasks with the caller's own {@code Authorization} header: the task is theirs. */
    @POST
    Uni<RestResponse<String>> create(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, NewTask task);

    /** A 4xx is task-service's answer about the request ({@link TaskServiceRefusal}); a 5xx a failure. */
    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return response.getStatus() >= 400 && response.getStatus() < 500 ? TaskServiceRefusal.of(response) : null;
    }

    /** task-service's {@code POST /api/tasks} body; fields left null are left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record NewTask(String title, String description, String taskType, String permissionLevel, String priority,
                   String repositoryUrl, String branchName, Map<String, Object> context,
                   Map<String, Object> metadata, UUID projectId, UUID agentId, UUID workflowId,
                   Map<String, Object> input) {
    }
}
