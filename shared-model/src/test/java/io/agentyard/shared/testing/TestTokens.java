package io.agentyard.shared.testing;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import io.smallrye.jwt.build.Jwt;

/**
 * Access tokens for tests, signed with the run's generated key ({@link FreshDatabaseResource}),
 * shaped like identity-service's: subject, name, roles in {@code groups}, issuer {@code agentyard}.
 */
public final class TestTokens {

    public static final String ISSUER = "agentyard";

    private TestTokens() {
    }

    public static String forUser(UUID id, String name, String role) {
        return Jwt.issuer(ISSUER).subject(id.toString()).upn(name).groups(Set.of(role)).expiresIn(300).sign();
    }

    public static String admin() {
        return forUser(UUID.randomUUID(), "test-admin", "admin");
    }

    public static String developer(UUID id) {
        return forUser(id, "dev-" + id.toString().substring(0, 8), "developer");
    }

    public static String viewer() {
        return forUser(UUID.randomUUID(), "test-viewer", "viewer");
    }

    /** A machine identity of another service (role {@code service}). */
    public static String service() {
        return forUser(UUID.randomUUID(), "test-service", "service");
    }

    /** A worker identity: role {@code worker}, the worker's id as subject. */
    public static String worker(UUID workerId) {
        return forUser(workerId, "worker-" + workerId.toString().substring(0, 8), "worker");
    }

    /** A token that expired {@code secondsAgo} seconds ago. */
    /** A valid token of {@code role} that expires {@code seconds} from now. */
    public static String expiringIn(UUID id, String role, long seconds) {
        return Jwt.issuer(ISSUER).subject(id.toString()).upn("short-lived").groups(Set.of(role))
                .expiresIn(seconds).sign();
    }

    public static String expired(UUID id, String role, long secondsAgo) {
        Instant expiry = Instant.now().minusSeconds(secondsAgo);
        return Jwt.issuer(ISSUER).subject(id.toString()).upn("expired").groups(Set.of(role))
                .issuedAt(expiry.minusSeconds(600)).expiresAt(expiry).sign();
    }
}
