package io.agentyard.identity.user;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.identity.config.IdentityConfig;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * bcrypt hashing and checking. bcrypt is deliberately slow, so it runs on a worker thread and the
 * result comes back on the caller's event loop (where the reactive session lives).
 */
@ApplicationScoped
public class PasswordHasher {

    /** Checked when no user matches, so a failed login takes as long whether or not the user exists. */
    private final String decoyHash;
    private final Vertx vertx;
    private final int cost;

    PasswordHasher(Vertx vertx, IdentityConfig config) {
        this.vertx = vertx;
        this.cost = config.bcryptCost();
        this.decoyHash = BcryptUtil.bcryptHash("decoy-password-0", cost);
    }

    public Uni<String> hash(String password) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> BcryptUtil.bcryptHash(password, cost)), false);
    }

    /** Whether {@code password} matches {@code hash}; a null hash is checked against a decoy and fails. */
    public Uni<Boolean> matches(String password, String hash) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            boolean ok = BcryptUtil.matches(password, hash == null ? decoyHash : hash);
            return ok && hash != null;
        }), false);
    }
}
