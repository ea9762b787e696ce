package io.agentyard.identity.user;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A user as the API shows it: everything but the password hash. */
public record UserResponse(UUID id, String username, String email, String fullName, UserRole role,
                           boolean active, boolean verified, Map<String, Object> settings,
                           Instant lastLoginAt, Instant createdAt, Instant updatedAt) {

    public static UserResponse from(User user) {
        return new UserResponse(user.id, user.username, user.email, user.fullName, user.role, user.active,
                user.verified, user.settings, user.lastLoginAt, user.createdAt, user.updatedAt);
    }
}
