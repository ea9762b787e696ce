package io.agentyard.identity.user;

import java.util.Map;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the user endpoints. */
public final class UserRequests {

    private UserRequests() {
    }

    public static final String USERNAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{2,49}$";
    public static final String USERNAME_RULE =
            "must be 3-50 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    @Schema(name = "UserRegistration")
    public record Register(
            @NotBlank @Pattern(regexp = USERNAME_PATTERN, message = USERNAME_RULE) String username,
            @NotBlank @Email(message = "must be a valid email address") @Size(max = 255) String email,
            @NotNull @Size(max = 200) String password,
            @Size(max = 255) String fullName) {
    }

    /** PATCH semantics: a field left out (null) stays as it is. */
    public record ProfileUpdate(
            @Size(max = 255) String fullName,
            @Email(message = "must be a valid email address") @Size(min = 3, max = 255) String email,
            @Size(max = 50, message = "may hold at most 50 entries") Map<String, Object> settings) {
    }

    public record ChangePassword(
            @NotBlank String currentPassword,
            @NotNull @Size(max = 200) String newPassword) {
    }

    public record RoleChange(@NotNull UserRole role) {
    }
}
