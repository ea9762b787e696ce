package io.agentyard.identity.serviceclient;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of the service-client endpoints. */
public final class ServiceClientDtos {

    private ServiceClientDtos() {
    }

    /** The rule of a client's name, shared by every request that names a new client (enrollment too). */
    public static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._ -]*$";
    public static final String NAME_RULE = "must be letters, digits, '.', '_', '-' or spaces";
    public static final int NAME_MAX = 100;

    @Schema(name = "ServiceClientCreate")
    public record Create(
            @NotBlank @Size(max = NAME_MAX) @Pattern(regexp = NAME_PATTERN, message = NAME_RULE) String name,
            @NotNull ClientRole role,
            @Size(max = 255) String subject) {
    }

    /** {@code secret} is present only in the response that creates the client. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "ServiceClientResponse")
    public record ClientResponse(UUID id, String name, ClientRole role, String subject, boolean active,
                                 UUID createdBy, Instant createdAt, Instant lastUsedAt, String secret) {

        static ClientResponse from(ServiceClient client, String secret) {
            return new ClientResponse(client.id, client.name, client.role, client.tokenSubject(), client.active,
                    client.createdBy, client.createdAt, client.lastUsedAt, secret);
        }
    }
}
