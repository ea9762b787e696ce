package io.agentyard.identity.enrollment;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class EnrollmentTokenRepository implements PanacheRepositoryBase<EnrollmentToken, UUID> {

    /**
     * Uses up the token with this hash if it is still active at {@code now}: one statement, so of
     * two concurrent enrollments with one token exactly one gets the row (the other waits for the
     * row lock, then finds it used). The token as it now is, or null when there was none to use;
     * needs a transaction (the caller's, which also creates the client).
     */
    public Uni<EnrollmentToken> consume(String tokenHash, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        update {h-schema}enrollment_tokens set used_at = :now
                        where token_hash = :hash and used_at is null and revoked_at is null and expires_at > :now
                        returning *""", EnrollmentToken.class)
                .setParameter("now", now).setParameter("hash", tokenHash)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }
}
