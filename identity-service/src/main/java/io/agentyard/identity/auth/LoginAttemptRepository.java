package io.agentyard.identity.auth;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class LoginAttemptRepository implements PanacheRepository<LoginAttempt> {

    /**
     * Times of the account's failures since {@code since} that came after its last success,
     * oldest first.
     */
    public Uni<List<Instant>> accountFailuresSince(String accountKey, Instant since) {
        return find("""
                accountKey = ?1 and succeeded = false and attemptedAt > ?2
                and attemptedAt > coalesce((select max(s.attemptedAt) from LoginAttempt s
                                            where s.accountKey = ?1 and s.succeeded = true), ?2)
                """, Sort.by("attemptedAt"), accountKey, since)
                .project(AttemptTime.class).list().map(rows -> rows.stream().map(AttemptTime::attemptedAt).toList());
    }

    /** Times of failures from one client address since {@code since}, oldest first. */
    public Uni<List<Instant>> addressFailuresSince(String ipAddress, Instant since) {
        return find("ipAddress = ?1 and succeeded = false and attemptedAt > ?2", Sort.by("attemptedAt"),
                ipAddress, since)
                .project(AttemptTime.class).list().map(rows -> rows.stream().map(AttemptTime::attemptedAt).toList());
    }

    public record AttemptTime(Instant attemptedAt) {
    }
}
