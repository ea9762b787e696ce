package io.agentyard.shared.security;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Remembers access tokens that verified, so a worker reusing its token does not pay for an RS256
 * verification and two JSON parses on every call (a fifth of the dispatch hot path's CPU).
 * <p>
 * The key is the whole token, signature included: only the very token that verified is
 * recognised. An entry lasts until the token expires or {@code agentyard.security.token-cache-ttl}
 * passes, whichever is first, so a retired signing key stops being honoured within that time.
 * Failures are never cached. A TTL of zero turns the cache off.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class CachingJwtParser implements JWTParser {

    static final int MAX_ENTRIES = 10_000;

    private final DefaultJWTParser verifier;
    private final long ttlMillis;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(JsonWebToken token, long validUntilMillis) {
    }

    CachingJwtParser(DefaultJWTParser verifier,
                     @ConfigProperty(name = "agentyard.security.token-cache-ttl", defaultValue = "PT1M") Duration ttl) {
        this.verifier = verifier;
        this.ttlMillis = ttl.toMillis();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (ttlMillis <= 0) {
            return verifier.parse(token);
        }
        long now = System.currentTimeMillis();
        Verified known = verified.get(token);
        if (known != null && now < known.validUntilMillis()) {
            return known.token();
        }
        JsonWebToken parsed = verifier.parse(token);
        long expiresMillis = parsed.getExpirationTime() * 1000;
        long validUntil = Math.min(now + ttlMillis, expiresMillis);
        if (validUntil > now) {
            if (verified.size() >= MAX_ENTRIES) {
                verified.values().removeIf(entry -> entry.validUntilMillis() <= now);
                if (verified.size() >= MAX_ENTRIES) {
                    verified.clear();
                }
            }
            verified.put(token, new Verified(parsed, validUntil));
        }
        return parsed;
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, java.security.PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, javax.crypto.SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, java.security.PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, javax.crypto.SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
