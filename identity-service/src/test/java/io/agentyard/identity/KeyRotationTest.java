package io.agentyard.identity;

import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
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
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * A signing-key rotation in its middle step: identity-service signs with key B, still publishes the
 * previous key A (the run's key, which signed every token issued before) and already publishes the
 * next key C. It verifies tokens as every other service does, through a JWKS holding those keys (a
 * file here, where the other services fetch identity-service's), so a token of the previous key
 * stays valid while new tokens name the new key, and a key nobody published is refused.
 */
@QuarkusTest
@QuarkusTestResource(FreshDatabaseResource.class)
@QuarkusTestResource(value = KeyRotationTest.RotatingKeys.class, restrictToAnnotatedClass = true)
class KeyRotationTest {

    final IdentityApi api = new IdentityApi();
    final ObjectMapper json = new ObjectMapper();

    @Test
    void theJwksPublishesTheSigningKeyThenTheNextAndThePrevious() {
        api.request().get("/api/auth/jwks").then().statusCode(200)
                .body("keys.kid", contains(RotatingKeys.kidB, RotatingKeys.kidC, RotatingKeys.kidA));
    }

    @Test
    void newTokensNameTheNewKeyAndAreAccepted() throws Exception {
        String token = api.adminToken();
        Map<?, ?> header = json.readValue(Base64.getUrlDecoder().decode(token.split("\\.")[0]), Map.class);
        assertEquals(RotatingKeys.kidB, header.get("kid"));
        api.as(token).get("/api/users?size=1").then().statusCode(200);
    }

    @Test
    void aTokenOfThePreviousKeyStaysValidUntilItExpires() throws Exception {
        PrivateKey previous = KeyUtils.decodePrivateKey(Files.readString(FreshDatabaseResource.current().privateKey()));
        String token = Jwt.issuer(TestTokens.ISSUER).subject(UUID.randomUUID().toString()).upn("old-admin")
                .groups(Set.of("admin")).expiresIn(300).jws().keyId(RotatingKeys.kidA).sign(previous);
        api.as(token).get("/api/users?size=1").then().statusCode(200);
    }

    @Test
    void aTokenOfAnUnpublishedKeyIsRefused() throws Exception {
        KeyPair stranger = rsa();
        String token = Jwt.issuer(TestTokens.ISSUER).subject(UUID.randomUUID().toString()).upn("intruder")
                .groups(Set.of("admin")).expiresIn(300).jws().keyId(kid((RSAPublicKey) stranger.getPublic()))
                .sign(stranger.getPrivate());
        api.as(token).get("/api/users?size=1").then().statusCode(401);
    }

    /** Keys B (signing) and C (next) of this class's own, A the run's; verification through the JWKS endpoint. */
    public static class RotatingKeys implements QuarkusTestResourceLifecycleManager {

        static String kidA;
        static String kidB;
        static String kidC;
        private Path dir;

        @Override
        public Map<String, String> start() {
            try {
                FreshDatabaseResource.World world = FreshDatabaseResource.current();
                dir = Files.createTempDirectory("agentyard-rotation");
                KeyPair b = rsa();
                KeyPair c = rsa();
                Path privateB = write(dir.resolve("b.pem"), "PRIVATE KEY", b.getPrivate().getEncoded());
                Path publicC = write(dir.resolve("c.pub.pem"), "PUBLIC KEY", c.getPublic().getEncoded());
                kidA = kid(KeyUtils.decodePublicKey(Files.readString(world.publicKey())));
                kidB = kid((RSAPublicKey) b.getPublic());
                kidC = kid((RSAPublicKey) c.getPublic());
                RSAPublicKey a = (RSAPublicKey) KeyUtils.decodePublicKey(Files.readString(world.publicKey()));
                Path jwks = dir.resolve("jwks.json");
                Files.writeString(jwks, new ObjectMapper().writeValueAsString(Map.of("keys", List.of(
                        jwk((RSAPublicKey) b.getPublic()), jwk((RSAPublicKey) c.getPublic()), jwk(a)))));
                return Map.of("smallrye.jwt.sign.key.location", privateB.toString(),
                        "agentyard.identity.jwt.next-key-location", publicC.toString(),
                        // the previous key given as its private PEM: its public half is published
                        "agentyard.identity.jwt.previous-key-location", world.privateKey().toString(),
                        "mp.jwt.verify.publickey.location", jwks.toUri().toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop() {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a temp folder left behind is harmless
            }
        }

        @Override
        public int order() {
            return 10; // after FreshDatabaseResource, whose settings these replace
        }
    }

    static Map<String, String> jwk(RSAPublicKey key) throws Exception {
        return Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", kid(key),
                "n", unsigned(key.getModulus()), "e", unsigned(key.getPublicExponent()));
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** The RFC 7638 thumbprint, as identity-service names its keys. */
    static String kid(java.security.PublicKey key) throws Exception {
        RSAPublicKey rsa = (RSAPublicKey) key;
        String canonical = "{\"e\":\"" + unsigned(rsa.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + unsigned(rsa.getModulus()) + "\"}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    private static String unsigned(java.math.BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Path write(Path file, String type, byte[] der) throws IOException {
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(der) + "\n-----END " + type + "-----\n");
        return file;
    }
}
