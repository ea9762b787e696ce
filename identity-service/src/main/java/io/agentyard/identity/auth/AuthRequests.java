package io.agentyard.identity.auth;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the sign-in endpoints. */
public final class AuthRequests {

    private AuthRequests() {
    }

    /** {@code username} may be the username or the email address. */
    @Schema(name = "LoginRequest")
    public record Login(@NotBlank @Size(max = 255) String username, @NotBlank @Size(max = 200) String password) {
    }

    @Schema(name = "RefreshRequest")
    public record Refresh(@NotBlank @Size(max = 200) String refreshToken) {
    }

    /** Without a refresh token, logout ends every session of the caller. */
    @Schema(name = "LogoutRequest")
    public record Logout(@Size(max = 200) String refreshToken) {
    }

    /** The client-credentials grant of a machine identity. */
    @Schema(name = "ClientCredentialsRequest")
    public record ClientCredentials(@NotBlank @Size(max = 100) String clientId,
                                    @NotBlank @Size(max = 200) String clientSecret) {
    }
}
