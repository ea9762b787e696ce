package io.agentyard.identity.token;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The RSA key identity-service signs access tokens with, loaded once from a PKCS#8 PEM file
 * ({@code AGENTYARD_JWT_PRIVATE_KEY_LOCATION}), and its public half published as a JWKS so every
 * other service verifies tokens locally. The key id is the key's RFC 7638 thumbprint.
 */
@ApplicationScoped
public class SigningKeys {

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;
    private final String keyId;

    SigningKeys(@ConfigProperty(name = "smallrye.jwt.sign.key.location", defaultValue = "") String location) {
        if (location.isBlank()) {
            throw new IllegalStateException("No signing key: set AGENTYARD_JWT_PRIVATE_KEY_LOCATION to an RSA "
                    + "private key in PKCS#8 PEM (deploy/local/start.sh generates one for local runs)");
        }
        try {
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(readPem(location)));
            this.privateKey = key;
            this.publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
            this.keyId = thumbprint(publicKey);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("Cannot read the RSA signing key at " + location + ": " + e.getMessage(), e);
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The public key as a JSON Web Key Set. */
    public Map<String, Object> jwks() {
        return Map.of("keys", List.of(Map.of(
                "kty", "RSA",
                "use", "sig",
                "alg", "RS256",
                "kid", keyId,
                "n", base64Url(publicKey.getModulus()),
                "e", base64Url(publicKey.getPublicExponent()))));
    }

    private static byte[] readPem(String location) throws IOException {
        Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        String pem = Files.readString(path, StandardCharsets.US_ASCII);
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IOException("key is PKCS#1; convert it with 'openssl pkcs8 -topk8 -nocrypt'");
        }
        String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static String thumbprint(RSAPublicKey key) throws GeneralSecurityException {
        String canonical = "{\"e\":\"" + base64Url(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + base64Url(key.getModulus()) + "\"}";
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /** Unsigned big-endian bytes, base64url without padding (RFC 7518 section 6.3.1). */
    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
