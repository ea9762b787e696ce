package io.agentyard.identity.token;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class RefreshTokenRepository implements PanacheRepositoryBase<RefreshToken, UUID> {

    /** The token with this hash, locked so two concurrent refreshes cannot both rotate it. */
    public Uni<RefreshToken> findByHashForUpdate(String tokenHash) {
        return find("tokenHash", tokenHash).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<RefreshToken> findByHash(String tokenHash) {
        return find("tokenHash", tokenHash).firstResult();
    }

    public Uni<Integer> revokeFamily(UUID familyId, Instant now) {
        return update("revokedAt = ?1 where familyId = ?2 and revokedAt is null", now, familyId);
    }

    public Uni<Integer> revokeAllOf(UUID userId, Instant now) {
        return update("revokedAt = ?1 where userId = ?2 and revokedAt is null", now, userId);
    }
}
