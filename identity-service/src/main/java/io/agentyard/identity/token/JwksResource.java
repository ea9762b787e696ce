package io.agentyard.identity.token;

import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.Cache;

/** Public keys for verifying Agentyard access tokens. */
@Tag(name = "Signing keys", description = "Public keys for verifying Agentyard access tokens")
@Path("/api/auth/jwks")
@PermitAll
public class JwksResource {

    private final SigningKeys keys;

    JwksResource(SigningKeys keys) {
        this.keys = keys;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Cache(maxAge = 300)
    @Operation(operationId = "getJwks", summary = "The JSON Web Key Set that verifies access tokens")
    public Map<String, Object> jwks() {
        return keys.jwks();
    }
}
