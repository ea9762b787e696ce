package io.agentyard.identity.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.agentyard.identity.config.IdentityConfig;
import io.agentyard.identity.user.User;
import io.agentyard.identity.user.UserResponse;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;

/**
 * Mints access tokens (RS256 JWTs) and opaque refresh tokens. Callers own the transaction:
 * {@link #issueFor} persists a refresh token in the caller's session.
 */
@ApplicationScoped
public class TokenService {

    public static final String BEARER = "Bearer";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SigningKeys keys;
    private final RefreshTokenRepository refreshTokens;
    private final IdentityConfig config;
    private final String issuer;

    TokenService(SigningKeys keys, RefreshTokenRepository refreshTokens, IdentityConfig config,
                 @ConfigProperty(name = "mp.jwt.verify.issuer") String issuer) {
        this.keys = keys;
        this.refreshTokens = refreshTokens;
        this.config = config;
        this.issuer = issuer;
    }

    /** A new login: access token plus the first refresh token of a new family. */
    public Uni<TokenResponse> issueFor(User user, String ip, String userAgent) {
        return issueInFamily(user, UUID.randomUUID(), ip, userAgent);
    }

    /** Access token plus a new refresh token in an existing family (rotation). */
    public Uni<TokenResponse> issueInFamily(User user, UUID familyId, String ip, String userAgent) {
        String refresh = randomToken();
        Instant now = Instant.now();
        RefreshToken row = new RefreshToken();
        row.id = UUID.randomUUID();
        row.userId = user.id;
        row.familyId = familyId;
        row.tokenHash = sha256(refresh);
        row.issuedAt = now;
        row.expiresAt = now.plus(config.refreshTokenTtl());
        row.ipAddress = ip;
        row.userAgent = userAgent == null ? null : truncate(userAgent, 255);
        return refreshTokens.persist(row).map(saved -> new TokenResponse(
                accessToken(user.id.toString(), user.username, user.role.name(), null),
                BEARER, config.accessTokenTtl().toSeconds(), refresh, config.refreshTokenTtl().toSeconds(),
                UserResponse.from(user)));
    }

    /** An access token for a machine identity (client-credentials grant). */
    public TokenResponse issueForClient(String subject, String name, String role, UUID clientId) {
        return new TokenResponse(accessToken(subject, name, role, clientId), BEARER,
                config.accessTokenTtl().toSeconds(), null, null, null);
    }

    private String accessToken(String subject, String name, String role, UUID clientId) {
        Duration ttl = config.accessTokenTtl();
        var claims = Jwt.issuer(issuer)
                .subject(subject)
                .upn(name)
                .claim("preferred_username", name)
                .groups(Set.of(role))
                .issuedAt(Instant.now())
                .expiresIn(ttl)
                .claim("jti", UUID.randomUUID().toString());
        if (clientId != null) {
            claims.claim("client_id", clientId.toString());
        }
        return claims.jws().keyId(keys.keyId()).algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
                .sign(keys.privateKey());
    }

    /** 256 random bits, URL-safe: refresh tokens and client secrets. */
    public static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Hex SHA-256. Enough for high-entropy random secrets (unlike passwords, they cannot be guessed
     * from a dictionary), and fast enough to look tokens up by hash.
     */
    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
