package io.agentyard.identity.auth;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.identity.serviceclient.ServiceClientRepository;
import io.agentyard.identity.token.RefreshToken;
import io.agentyard.identity.token.RefreshTokenRepository;
import io.agentyard.identity.token.TokenResponse;
import io.agentyard.identity.token.TokenService;
import io.agentyard.identity.user.PasswordHasher;
import io.agentyard.identity.user.User;
import io.agentyard.identity.user.UserRepository;
import io.agentyard.shared.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Sign-in, token refresh with rotation and reuse detection, logout, and the client-credentials
 * grant. Failed attempts are committed before the request fails, so throttling sees them.
 */
@ApplicationScoped
public class AuthService {

    static final String INVALID_CREDENTIALS = "invalid username or password";
    static final String INVALID_CLIENT = "invalid client id or secret";

    private final UserRepository users;
    private final RefreshTokenRepository refreshTokens;
    private final ServiceClientRepository clients;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final TokenService tokens;

    AuthService(UserRepository users, RefreshTokenRepository refreshTokens, ServiceClientRepository clients,
                PasswordHasher hasher, LoginThrottle throttle, TokenService tokens) {
        this.users = users;
        this.refreshTokens = refreshTokens;
        this.clients = clients;
        this.hasher = hasher;
        this.throttle = throttle;
        this.tokens = tokens;
    }

    public Uni<TokenResponse> login(AuthRequests.Login request, String ip, String userAgent) {
        String login = request.username().trim();
        return Panache.withSession(() -> users.findByLogin(login)
                        .call(user -> throttle.check(accountKey(user, login), ip)))
                // bcrypt runs outside any transaction; a missing user is checked against a decoy
                .chain(user -> hasher.matches(request.password(), user == null ? null : user.passwordHash)
                        .map(matches -> new Verdict(user, matches && user.active)))
                .chain(verdict -> Panache.withTransaction(() -> throttle.record(accountKey(verdict.user, login), ip,
                                verdict.ok)
                        .chain(() -> verdict.ok ? signIn(verdict.user.id, ip, userAgent) : Uni.createFrom().nullItem())))
                .onItem().ifNull().failWith(() -> ProblemException.unauthorized(INVALID_CREDENTIALS));
    }

    private Uni<TokenResponse> signIn(UUID userId, String ip, String userAgent) {
        return users.findById(userId).chain(user -> {
            user.lastLoginAt = Instant.now();
            return tokens.issueFor(user, ip, userAgent);
        });
    }

    /**
     * Exchanges a refresh token for a new pair. A token that was already rotated means it leaked or
     * was replayed: its whole family is revoked (committed) and the call fails.
     */
    public Uni<TokenResponse> refresh(AuthRequests.Refresh request, String ip, String userAgent) {
        String hash = TokenService.sha256(request.refreshToken());
        return Panache.withTransaction(() -> refreshTokens.findByHashForUpdate(hash).chain(token -> {
            Instant now = Instant.now();
            if (token == null || token.revokedAt != null || !token.expiresAt.isAfter(now)) {
                return Uni.createFrom().item(Refreshed.refused("refresh token is invalid or expired"));
            }
            if (token.rotatedAt != null) {
                return refreshTokens.revokeFamily(token.familyId, now).map(n -> Refreshed.refused(
                        "refresh token was already used; every session of this sign-in was revoked"));
            }
            return users.findById(token.userId).chain(user -> rotate(token, user, now, ip, userAgent));
        })).map(refreshed -> {
            if (refreshed.tokens == null) {
                throw ProblemException.unauthorized(refreshed.refusal);
            }
            return refreshed.tokens;
        });
    }

    private Uni<Refreshed> rotate(RefreshToken token, User user, Instant now, String ip, String userAgent) {
        if (user == null || !user.active) {
            return refreshTokens.revokeFamily(token.familyId, now)
                    .map(n -> Refreshed.refused("this account no longer exists or is deactivated"));
        }
        token.rotatedAt = now;
        return tokens.issueInFamily(user, token.familyId, ip, userAgent).map(Refreshed::new);
    }

    /** Ends the session of {@code refreshToken}, or every session of the user when it is absent. */
    public Uni<Void> logout(UUID userId, String refreshToken) {
        return Panache.withTransaction(() -> {
            Instant now = Instant.now();
            if (refreshToken == null || refreshToken.isBlank()) {
                return refreshTokens.revokeAllOf(userId, now).replaceWithVoid();
            }
            return refreshTokens.findByHash(TokenService.sha256(refreshToken)).chain(token -> {
                if (token == null || !token.userId.equals(userId)) {
                    return Uni.createFrom().voidItem(); // nothing of the caller's to end; say nothing more
                }
                return refreshTokens.revokeFamily(token.familyId, now).replaceWithVoid();
            });
        });
    }

    /** Client-credentials grant: a machine identity trades its id and secret for an access token. */
    public Uni<TokenResponse> clientToken(AuthRequests.ClientCredentials request, String ip) {
        UUID clientId = parseUuid(request.clientId());
        String accountKey = "client:" + request.clientId().toLowerCase();
        return Panache.withSession(() -> throttle.check(accountKey, ip)
                        .chain(() -> clientId == null ? Uni.createFrom().nullItem() : clients.findById(clientId)))
                .chain(client -> {
                    boolean ok = client != null && client.active
                            && java.security.MessageDigest.isEqual(client.secretHash.getBytes(),
                                    TokenService.sha256(request.clientSecret()).getBytes());
                    return Panache.withTransaction(() -> throttle.record(accountKey, ip, ok).chain(() -> {
                        if (!ok) {
                            return Uni.createFrom().<TokenResponse>nullItem();
                        }
                        return clients.findById(client.id).map(fresh -> {
                            fresh.lastUsedAt = Instant.now();
                            return tokens.issueForClient(fresh.tokenSubject(), fresh.name, fresh.role.name(), fresh.id);
                        });
                    }));
                })
                .onItem().ifNull().failWith(() -> ProblemException.unauthorized(INVALID_CLIENT));
    }

    /** Failures count against the account itself, whichever of its names was typed. */
    private static String accountKey(User user, String login) {
        return user != null ? user.id.toString() : "unknown:" + login.toLowerCase();
    }

    private static UUID parseUuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private record Verdict(User user, boolean ok) {
    }

    private record Refreshed(TokenResponse tokens, String refusal) {
        Refreshed(TokenResponse tokens) {
            this(tokens, null);
        }

        static Refreshed refused(String why) {
            return new Refreshed(null, why);
        }
    }
}
