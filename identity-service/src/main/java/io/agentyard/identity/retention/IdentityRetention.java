package io.agentyard.identity.retention;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agentyard.identity.config.IdentityConfig;
import io.agentyard.shared.reactive.FreshPlans;
import io.agentyard.shared.reactive.SafeContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Deletes what identity-service keeps only for a while: sign-in and client-credential attempts
 * past their retention (they serve throttling, within minutes, and a month of audit), and refresh
 * tokens expired for longer than a day (rotated and revoked ones included: once expired they can
 * neither be used nor betray a copy). Runs on every replica (quarkus-scheduler, never overlapping
 * itself); a round deletes at most {@value #BATCH} rows per table, so no round holds long locks, and
 * the next round takes the rest.
 */
@ApplicationScoped
public class IdentityRetention {

    private static final Logger LOG = Logger.getLogger(IdentityRetention.class);
    static final int BATCH = 10_000;

    private final IdentityConfig.Retention config;
    private final Duration throttleWindow;
    private final Vertx vertx;

    IdentityRetention(IdentityConfig config, Vertx vertx) {
        this.config = config.retention();
        this.throttleWindow = config.loginThrottle().window();
        this.vertx = vertx;
    }

    @Scheduled(identity = "identity-retention", every = "${agentyard.identity.retention.interval}", delayed = "PT1M",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return runOnce(Instant.now()).invoke(deleted -> {
            if (deleted.total() > 0) {
                LOG.infof("Retention: %d sign-in attempts and %d expired refresh tokens deleted",
                        deleted.loginAttempts(), deleted.refreshTokens());
            }
        }).replaceWithVoid();
    }

    /** What one round deleted. */
    public record Deleted(int loginAttempts, int refreshTokens) {
        int total() {
            return loginAttempts + refreshTokens;
        }
    }

    /** One round as of {@code now}; tests call it directly. */
    public Uni<Deleted> runOnce(Instant now) {
        // never delete attempts the throttle still counts, whatever the configuration says
        Duration keep = config.loginAttempts().compareTo(throttleWindow) > 0 ? config.loginAttempts() : throttleWindow;
        Instant attemptsBefore = now.minus(keep);
        Instant tokensBefore = now.minus(config.expiredRefreshTokens());
        return SafeContext.run(vertx, () -> FreshPlans.withTransaction(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery("""
                        delete from {h-schema}login_attempts where id in (
                            select id from {h-schema}login_attempts where attempted_at < :before limit :batch)""")
                .setParameter("before", attemptsBefore).setParameter("batch", BATCH).executeUpdate()
                .chain(attempts -> session.createNativeQuery("""
                                delete from {h-schema}refresh_tokens where id in (
                                    select id from {h-schema}refresh_tokens where expires_at < :before limit :batch)""")
                        .setParameter("before", tokensBefore).setParameter("batch", BATCH).executeUpdate()
                        .map(tokens -> new Deleted(attempts, tokens))))));
    }
}
