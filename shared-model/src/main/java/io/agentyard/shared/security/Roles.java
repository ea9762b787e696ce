package io.agentyard.shared.security;

/**
 * The roles carried in an access token's {@code groups} claim. People are {@code admin},
 * {@code developer} or {@code viewer}; machine identities are {@code worker} or {@code service}.
 * Constants, so they can be used in {@code @RolesAllowed}.
 */
public final class Roles {

    public static final String ADMIN = "admin";
    public static final String DEVELOPER = "developer";
    public static final String VIEWER = "viewer";
    public static final String WORKER = "worker";
    public static final String SERVICE = "service";

    private Roles() {
    }
}
