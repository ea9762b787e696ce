package io.agentyard.identity;

import static io.agentyard.identity.IdentityApi.PROBLEM_JSON;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;

/** Access tokens: what they carry, where their keys are published, and which ones are refused. */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
class TokenSecurityTest {

    final IdentityApi api = new IdentityApi();
    final ObjectMapper json = new ObjectMapper();

    @Test
    void accessTokenCarriesSubjectNameRoleIssuerAndKeyId() throws Exception {
        Map<String, String> dev = api.newDeveloper();
        String[] parts = dev.get("accessToken").split("\\.");
        Map<?, ?> header = json.readValue(decode(parts[0]), Map.class);
        Map<?, ?> claims = json.readValue(decode(parts[1]), Map.class);
        assertEquals("RS256", header.get("alg"));
        assertEquals(dev.get("id"), claims.get("sub"));
        assertEquals(dev.get("username"), claims.get("upn"));
        assertEquals(List.of("developer"), claims.get("groups"));
        assertEquals("agentyard", claims.get("iss"));
        long lifetime = ((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue();
        assertEquals(900, lifetime);

        String kid = api.request().get("/api/auth/jwks").then().statusCode(200)
                .header("Cache-Control", "max-age=300")
                .body("keys", hasSize(1))
                .body("keys[0].kty", is("RSA"))
                .body("keys[0].alg", is("RS256"))
                .body("keys[0].use", is("sig"))
                .extract().path("keys[0].kid");
        assertEquals(kid, header.get("kid"));
    }

    @Test
    void expiredTokenIsRefused() {
        String expired = TestTokens.expired(UUID.randomUUID(), "developer", 120);
        api.as(expired).get("/api/auth/profile").then().statusCode(401).contentType(PROBLEM_JSON)
                .header("WWW-Authenticate", "Bearer");
    }

    @Test
    void tamperedTokenIsRefused() throws Exception {
        Map<String, String> dev = api.newDeveloper();
        String[] parts = dev.get("accessToken").split("\\.");
        Map<String, Object> claims = json.readValue(decode(parts[1]), Map.class);
        claims.put("groups", List.of("admin"));
        String forged = parts[0] + "." + encode(json.writeValueAsBytes(claims)) + "." + parts[2];
        api.as(forged).get("/api/users").then().statusCode(401).contentType(PROBLEM_JSON);
    }

    @Test
    void tokenSignedWithAnotherKeyIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Map<String, String> dev = api.newDeveloper();
        String foreign = Jwt.issuer("agentyard").subject(dev.get("id")).upn(dev.get("username"))
                .groups(Set.of("admin")).expiresIn(300).sign(generator.generateKeyPair().getPrivate());
        api.as(foreign).get("/api/auth/profile").then().statusCode(401).contentType(PROBLEM_JSON);
    }

    @Test
    void unsignedAlgNoneTokenIsRefused() throws Exception {
        Map<String, String> dev = api.newDeveloper();
        String header = encode("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = encode(json.writeValueAsBytes(Map.of("iss", "agentyard", "sub", dev.get("id"),
                "upn", dev.get("username"), "groups", List.of("admin"),
                "exp", System.currentTimeMillis() / 1000 + 300)));
        api.as(header + "." + claims + ".").get("/api/auth/profile").then().statusCode(401);
    }

    @Test
    void tokenFromAnotherIssuerIsRefused() {
        Map<String, String> dev = api.newDeveloper();
        String other = Jwt.issuer("someone-else").subject(dev.get("id")).upn(dev.get("username"))
                .groups(Set.of("developer")).expiresIn(300).sign();
        api.as(other).get("/api/auth/profile").then().statusCode(401);
    }

    @Test
    void garbageBearerIsRefused() {
        api.as("not.a.jwt").get("/api/auth/profile").then().statusCode(401).contentType(PROBLEM_JSON);
    }

    @Test
    void tokenOfADeactivatedUserNoLongerReadsTheProfile() {
        Map<String, String> dev = api.newDeveloper();
        String admin = api.adminToken();
        api.as(admin).post("/api/users/" + dev.get("id") + "/deactivate").then().statusCode(200);
        api.as(dev.get("accessToken")).get("/api/auth/profile").then().statusCode(401);
    }

    private static byte[] decode(String part) {
        return Base64.getUrlDecoder().decode(part);
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
