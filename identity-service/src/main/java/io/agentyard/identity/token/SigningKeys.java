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
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.agentyard.identity.config.IdentityConfig;

/**
 * The RSA key identity-service signs access tokens with, loaded once from a PKCS#8 PEM file
 * ({@code AGENTYARD_JWT_PRIVATE_KEY_LOCATION}), and the public keys it publishes as a JWKS so every
 * other service verifies tokens locally: the signing key's, and for a rotation the next key's
 * ({@code AGENTYARD_JWT_NEXT_KEY_LOCATION}, published before it signs anything, so every verifier
 * knows it by then) and the previous key's ({@code AGENTYARD_JWT_PREVIOUS_KEY_LOCATION}, published
 * until the tokens it signed have expired). Each key id is the key's RFC 7638 thumbprint, and every
 * token names the key that signed it ({@code kid}).
 */
@ApplicationScoped
public class SigningKeys {

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;
    private final String keyId;
    /** The signing key first, then the next and the previous, each once. */
    private final List<RSAPublicKey> published;

    SigningKeys(@ConfigProperty(name = "smallrye.jwt.sign.key.location", defaultValue = "") String location,
                IdentityConfig config) {
        Optional<String> next = config.jwt().nextKeyLocation();
        Optional<String> previous = config.jwt().previousKeyLocation();
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
        Map<String, RSAPublicKey> keys = new LinkedHashMap<>();
        keys.put(keyId, publicKey);
        for (Optional<String> other : List.of(next, previous)) {
            other.filter(value -> !value.isBlank()).map(SigningKeys::publicKeyAt)
                    .ifPresent(key -> keys.putIfAbsent(thumbprintOf(key), key));
        }
        this.published = List.copyOf(keys.values());
    }

    /** The public key in a PEM file: an X.509 public key, or the public half of a PKCS#8 private key. */
    static RSAPublicKey publicKeyAt(String location) {
        try {
            byte[] der = readPem(location);
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            if (isPublic(location)) {
                return (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(der));
            }
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
            return (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("Cannot read the RSA key at " + location + ": " + e.getMessage(), e);
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The published public keys as a JSON Web Key Set, the signing key first. */
    public Map<String, Object> jwks() {
        return Map.of("keys", published.stream().map(key -> Map.of(
                "kty", "RSA",
                "use", "sig",
                "alg", "RS256",
                "kid", thumbprintOf(key),
                "n", base64Url(key.getModulus()),
                "e", base64Url(key.getPublicExponent()))).toList());
    }

    private static String pemOf(String location) throws IOException {
        Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        return Files.readString(path, StandardCharsets.US_ASCII);
    }

    private static boolean isPublic(String location) throws IOException {
        return pemOf(location).contains("BEGIN PUBLIC KEY");
    }

    private static byte[] readPem(String location) throws IOException {
        String pem = pemOf(location);
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN RSA PUBLIC KEY")) {
            throw new IOException("key is PKCS#1; convert it with 'openssl pkcs8 -topk8 -nocrypt' (private) or"
                    + " 'openssl rsa -RSAPublicKey_in -pubout' (public)");
        }
        String body = pem.replaceAll("-----(BEGIN|END) (PRIVATE|PUBLIC) KEY-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static String thumbprintOf(RSAPublicKey key) {
        try {
            return thumbprint(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
