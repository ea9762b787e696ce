package io.agentyard.agent.client;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * task-service answered with a 4xx: a verdict on the request (400 invalid, 404 unknown project,
 * 409 conflict...), not a failure of task-service. The caller gets it as it is: status, body, and
 * the Content-Type, Retry-After and WWW-Authenticate headers. It does not count against the
 * circuit breaker.
 */
public class TaskServiceRefusal extends RuntimeException {

    /** The headers of the answer that matter to the caller. */
    private static final List<String> PASSED_ON = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.RETRY_AFTER,
            HttpHeaders.WWW_AUTHENTICATE);

    private final int status;
    private final String body;
    private final Map<String, String> headers;

    public TaskServiceRefusal(int status, String body, Map<String, String> headers) {
        super("task-service answered " + status);
        this.status = status;
        this.body = body;
        this.headers = Map.copyOf(headers);
    }

    static TaskServiceRefusal of(Response response) {
        String body = response.hasEntity() ? response.readEntity(String.class) : null;
        Map<String, String> headers = new HashMap<>();
        for (String name : PASSED_ON) {
            String value = response.getHeaderString(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return new TaskServiceRefusal(response.getStatus(), body, headers);
    }

    /** The same answer, for agent-service's caller. */
    public Response toResponse() {
        Response.ResponseBuilder answer = Response.status(status).entity(body);
        headers.forEach(answer::header);
        return answer.build();
    }

    public int status() {
        return status;
    }

    /** An expected outcome, not a bug: no stack trace. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
