package io.agentyard.chat.client;

import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.smallrye.mutiny.Uni;

/** agent-service, as chat-service asks it (use {@link AgentService}, which adds fault tolerance and a cache). */
@RegisterRestClient(configKey = "agent-service")
@Path("/api/agents")
public interface AgentServiceClient {

    /** An agent, as the caller whose token this is may see it: 404 otherwise. */
    @GET
    @Path("/{id}")
    Uni<AgentProfile> agent(@PathParam("id") UUID id, @HeaderParam("Authorization") String authorization);

    /** What chat-service needs of an agent: who it is and the model its configuration names. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record AgentProfile(UUID id, UUID ownerId, String name, String status, boolean active,
                        Map<String, Object> configuration) {

        public String setting(String key) {
            Object value = configuration == null ? null : configuration.get(key);
            return value == null ? null : value.toString();
        }

        public Double number(String key) {
            Object value = configuration == null ? null : configuration.get(key);
            return value instanceof Number number ? number.doubleValue() : null;
        }
    }
}
