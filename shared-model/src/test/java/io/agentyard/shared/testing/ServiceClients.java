package io.agentyard.shared.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * A service's own identity for tests that run the real identity-service ({@link SiblingService}):
 * a {@code service} client created through identity's admin API with an admin token of the run's
 * key, given to the service under test as {@code agentyard.service-client.id} / {@code .secret}.
 */
public final class ServiceClients {

    private static final Pattern FIELD = Pattern.compile("\"(id|secret)\"\\s*:\\s*\"([^\"]+)\"");

    private ServiceClients() {
    }

    /** Creates client {@code name} and answers the configuration that makes it the service's identity. */
    public static Map<String, String> create(String identityUrl, FreshDatabaseResource.World world, String name) {
        try {
            PrivateKey key = KeyUtils.decodePrivateKey(Files.readString(world.privateKey()));
            String admin = Jwt.issuer(TestTokens.ISSUER).subject(UUID.randomUUID().toString()).upn("test-admin")
                    .groups(Set.of("admin")).expiresIn(300).sign(key);
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(identityUrl + "/api/service-clients"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"role\":\"service\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("identity-service refused the service client: " + response.body());
            }
            Map<String, String> fields = new HashMap<>();
            Matcher matcher = FIELD.matcher(response.body());
            while (matcher.find()) {
                fields.put(matcher.group(1), matcher.group(2));
            }
            return Map.of("quarkus.rest-client.identity-service.url", identityUrl,
                    "agentyard.service-client.id", fields.get("id"),
                    "agentyard.service-client.secret", fields.get("secret"));
        } catch (Exception e) {
            throw new IllegalStateException("could not create the service client " + name, e);
        }
    }
}
