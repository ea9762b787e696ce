package io.agentyard.identity.auth;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Request bodies of the sign-in endpoints. */
public final class AuthRequests {

    private AuthRequests() {
    }

    /** {@code username} may be the username or the email address. */
    public record Login(@NotBlank @Size(max = 255) String username, @NotBlank @Size(max = 200) String password) {
    }

    public record Refresh(@NotBlank @Size(max = 200) String refreshToken) {
    }

    /** Without a refresh token, logout ends every session of the caller. */
    public record Logout(@Size(max = 200) String refreshToken) {
    }

    /** The client-credentials grant of a machine identity. */
    public record ClientCredentials(@NotBlank @Size(max = 100) String clientId,
                                    @NotBlank @Size(max = 200) String clientSecret) {
    }
}
