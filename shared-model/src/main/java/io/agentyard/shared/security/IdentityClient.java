package io.agentyard.shared.security;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.smallrye.mutiny.Uni;

/** identity-service's client-credentials grant (use {@link ServiceToken}). */
@RegisterRestClient(configKey = "identity-service")
@Path("/api/auth")
public interface IdentityClient {

    @POST
    @Path("/token")
    Uni<Token> token(Credentials credentials);

    record Credentials(String clientId, String clientSecret) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Token(String accessToken, String tokenType, long expiresIn) {
    }
}
