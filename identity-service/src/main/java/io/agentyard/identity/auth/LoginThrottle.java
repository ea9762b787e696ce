package io.agentyard.identity.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.identity.config.IdentityConfig;
import io.agentyard.shared.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * Brute-force protection kept in PostgreSQL, so every replica sees the same counts and a Redis
 * outage does not open the door. An account, or a client address, with too many failures inside
 * the window is refused (429 with Retry-After) until the oldest of them ages out. Refused attempts
 * are not recorded, so a lock ends on time even while someone keeps trying.
 */
@ApplicationScoped
public class LoginThrottle {

    private final LoginAttemptRepository attempts;
    private final IdentityConfig.LoginThrottle config;

    LoginThrottle(LoginAttemptRepository attempts, IdentityConfig config) {
        this.attempts = attempts;
        this.config = config.loginThrottle();
    }

    /** Fails with 429 when the account or the address is locked out; needs a session. */
    public Uni<Void> check(String accountKey, String ipAddress) {
        Instant now = Instant.now();
        Instant since = now.minus(config.window());
        return attempts.addressFailuresSince(ipAddress, since)
                .invoke(failures -> refuseIfOver(failures, config.maxFailuresPerAddress(), now,
                        "too many failed sign-in attempts from this address"))
                .chain(() -> attempts.accountFailuresSince(accountKey, since))
                .invoke(failures -> refuseIfOver(failures, config.maxFailuresPerAccount(), now,
                        "too many failed sign-in attempts for this account"))
                .replaceWithVoid();
    }

    /** Records an attempt; needs a transaction. */
    public Uni<Void> record(String accountKey, String ipAddress, boolean succeeded) {
        LoginAttempt attempt = new LoginAttempt();
        attempt.accountKey = accountKey;
        attempt.ipAddress = ipAddress;
        attempt.succeeded = succeeded;
        attempt.attemptedAt = Instant.now();
        return attempts.persist(attempt).replaceWithVoid();
    }

    private void refuseIfOver(List<Instant> failures, int max, Instant now, String detail) {
        if (failures.size() >= max) {
            // Locked until enough failures age out that fewer than max remain in the window.
            Instant unlock = failures.get(failures.size() - max).plus(config.window());
            Duration retryAfter = Duration.between(now, unlock);
            throw ProblemException.tooManyRequests(detail + "; try again later",
                    retryAfter.isNegative() ? Duration.ofSeconds(1) : retryAfter.plusSeconds(1));
        }
    }
}
