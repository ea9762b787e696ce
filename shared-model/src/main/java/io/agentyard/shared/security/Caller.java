package io.agentyard.shared.security;

import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.agentyard.shared.problem.ProblemException;

/**
 * Who is calling, read from the verified access token: the token's subject, its name and roles.
 * Services use it for ownership checks ({@code caller.isAdmin() || caller.is(ownerId)}).
 */
public record Caller(String subject, String name, Set<String> roles) {

    /** The caller of the current request; resources inject the (request-scoped) token and pass this on. */
    public static Caller from(JsonWebToken jwt) {
        Set<String> groups = jwt.getGroups();
        return new Caller(jwt.getSubject(), jwt.getName(), groups == null ? Set.of() : Set.copyOf(groups));
    }

    public boolean isAdmin() {
        return roles.contains(Roles.ADMIN);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** The subject as a UUID: people and workers are identified by UUID subjects. */
    public UUID id() {
        try {
            return UUID.fromString(subject);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.unauthorized("token subject is not a UUID");
        }
    }

    public boolean is(UUID id) {
        return id != null && id.toString().equals(subject);
    }
}
