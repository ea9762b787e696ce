package io.agentyard.shared.events;

import java.util.UUID;

/** Events of identity-service, on stream {@code agentyard.identity.events}. */
public final class IdentityEvents {

    public static final String SOURCE = "identity";

    public static final String USER_REGISTERED = "user.registered";
    public static final String USER_UPDATED = "user.updated";
    public static final String USER_ROLE_CHANGED = "user.role_changed";
    public static final String USER_DEACTIVATED = "user.deactivated";

    private IdentityEvents() {
    }

    public record UserRegistered(UUID userId, String username, String email, String role) {
    }

    /** Profile or status changed; carries the user's current public fields. */
    public record UserUpdated(UUID userId, String username, String email, String fullName, boolean active) {
    }

    public record UserRoleChanged(UUID userId, String previousRole, String role) {
    }

    public record UserDeactivated(UUID userId) {
    }
}
