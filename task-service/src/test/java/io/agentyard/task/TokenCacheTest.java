package io.agentyard.task;

import static io.agentyard.task.TaskApi.as;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;

/**
 * Verified tokens are remembered (shared-model CachingJwtParser), but never past their expiry, and
 * only the exact token that verified: a forged signature on the same claims is refused.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class TokenCacheTest {

    @Test
    void aRememberedTokenStillExpiresOnTime() throws InterruptedException {
        Instant expiry = Instant.now().plusSeconds(2);
        String token = Jwt.issuer(TestTokens.ISSUER).subject(UUID.randomUUID().toString()).upn("short-lived")
                .groups(Set.of("developer")).expiresAt(expiry).sign();
        as(token).get("/api/tasks").then().statusCode(200);
        as(token).get("/api/tasks").then().statusCode(200);

        Thread.sleep(Math.max(0, expiry.toEpochMilli() - System.currentTimeMillis()) + 2500); // past expiry and its 1 s leeway
        as(token).get("/api/tasks").then().statusCode(401);
    }

    @Test
    void aForgedSignatureOnRememberedClaimsIsRefused() {
        String token = TestTokens.developer(UUID.randomUUID());
        as(token).get("/api/tasks").then().statusCode(200);

        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + TestTokens.developer(UUID.randomUUID()).split("\\.")[2];
        as(forged).get("/api/tasks").then().statusCode(401);
    }
}
