package io.agentyard.identity.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** Settings of identity-service ({@code agentyard.identity.*}, see application.properties). */
@ConfigMapping(prefix = "agentyard.identity")
public interface IdentityConfig {

    /** Lifetime of an access token (JWT). */
    Duration accessTokenTtl();

    /** Lifetime of a refresh token. */
    Duration refreshTokenTtl();

    /** bcrypt cost factor for new password hashes (log2 of rounds). */
    int bcryptCost();

    LoginThrottle loginThrottle();

    BootstrapAdmin bootstrapAdmin();

    Retention retention();

    /** How long what only served a while is kept (rows deleted by {@code IdentityRetention}). */
    interface Retention {
        /** How often the round runs. */
        @io.smallrye.config.WithDefault("PT1H")
        Duration interval();

        /** Sign-in and client-credential attempts older than this go (at least the throttle's window). */
        @io.smallrye.config.WithDefault("P30D")
        Duration loginAttempts();

        /** Refresh tokens expired longer ago than this go (revoked or rotated ones too, once expired). */
        @io.smallrye.config.WithDefault("P1D")
        Duration expiredRefreshTokens();
    }

    /** Keys published beside the signing key during a rotation (README "Signing-key rotation"). */
    Jwt jwt();

    interface Jwt {
        /** PEM (public, or a private key whose public half is meant) of the key that signs next. */
        java.util.Optional<String> nextKeyLocation();

        /** PEM of the key that signed before, published until its tokens have expired. */
        java.util.Optional<String> previousKeyLocation();
    }

    interface LoginThrottle {
        /** How far back failed attempts are counted. */
        Duration window();

        /** Failures on one account within the window before it is locked until they age out. */
        int maxFailuresPerAccount();

        /** Failures from one client address within the window before it is locked out. */
        int maxFailuresPerAddress();
    }

    interface BootstrapAdmin {
        String username();

        String email();

        /** Empty means: create no admin. */
        java.util.Optional<String> password();
    }
}
