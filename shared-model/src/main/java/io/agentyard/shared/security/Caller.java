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

    /**
     * The owner whose resources this caller may list: null (everyone's) for admins, viewers
     * (read-only over everything) and services; the caller's own id otherwise.
     */
    public UUID readableOwner() {
        return isAdmin() || hasRole(Roles.VIEWER) || hasRole(Roles.SERVICE) ? null : id();
    }

    /** The owner whose resources this caller may change: null (everyone's) for admins, the caller's own id otherwise. */
    public UUID writableOwner() {
        return isAdmin() ? null : id();
    }

    /** Whether the caller may read a resource owned by {@code ownerId}. */
    public boolean canRead(UUID ownerId) {
        UUID scope = readableOwner();
        return scope == null || scope.equals(ownerId);
    }

    /** Whether the caller may change a resource owned by {@code ownerId}: its owner or an admin. */
    public boolean canWrite(UUID ownerId) {
        return isAdmin() || is(ownerId);
    }

    /**
     * Fails with 404 when the {@code what} {@code id} (owned by {@code ownerId}, null when it does
     * not exist) is not there for this caller: a resource one may not see does not exist.
     */
    public void checkRead(UUID ownerId, String what, Object id) {
        if (ownerId == null || !canRead(ownerId)) {
            throw ProblemException.notFound(what, id);
        }
    }

    /** Like {@link #checkRead}, then 403 when the caller may see but not change it. */
    public void checkWrite(UUID ownerId, String what, Object id) {
        checkRead(ownerId, what, id);
        if (!canWrite(ownerId)) {
            throw ProblemException.forbidden("only the " + what + "'s owner or an admin may change it");
        }
    }
}
