package io.agentyard.execution;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PrivateKey;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.SiblingService;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The real identity-service and task-service beside execution-service, in the run's world:
 * execution-service gets a {@code service} client of identity (created through identity's admin
 * API) and asks task-service who holds an execution with that client's token. task-service
 * publishes its events under a key prefix execution-service does not read, so its claims never
 * reach execution-service as events: the only way to learn of them is to ask, as when a worker
 * writes before the claim event has been consumed.
 */
public class TaskServiceWorld implements QuarkusTestResourceLifecycleManager {

    private static final Pattern FIELD = Pattern.compile("\"(id|secret)\"\\s*:\\s*\"([^\"]+)\"");

    static volatile SiblingService taskService;
    private SiblingService identity;

    @Override
    public Map<String, String> start() {
        FreshDatabaseResource.World world = FreshDatabaseResource.current();
        identity = SiblingService.launch("identity-service", Map.of(
                "AGENTYARD_JWT_PRIVATE_KEY_LOCATION", world.privateKey().toString(),
                "AGENTYARD_JWT_PUBLIC_KEY_LOCATION", world.publicKey().toUri().toString()));
        taskService = SiblingService.launch("task-service",
                Map.of("AGENTYARD_EVENTS_KEY_PREFIX", world.keyPrefix() + "apart:"));
        Map<String, String> client = serviceClient(identity.url(), world);
        return Map.of(
                "quarkus.rest-client.identity-service.url", identity.url(),
                "quarkus.rest-client.task-service.url", taskService.url(),
                "agentyard.service-client.id", client.get("id"),
                "agentyard.service-client.secret", client.get("secret"));
    }

    /** Creates execution-service's own client (role service) with an admin token of the run's key. */
    private static Map<String, String> serviceClient(String identityUrl, FreshDatabaseResource.World world) {
        try {
            PrivateKey key = KeyUtils.decodePrivateKey(java.nio.file.Files.readString(world.privateKey()));
            String admin = Jwt.issuer("agentyard").subject(UUID.randomUUID().toString()).upn("test-admin")
                    .groups(Set.of("admin")).expiresIn(300).sign(key);
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(identityUrl + "/api/service-clients"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"execution-service\",\"role\":\"service\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("identity-service refused the service client: " + response.body());
            }
            Map<String, String> fields = new java.util.HashMap<>();
            Matcher matcher = FIELD.matcher(response.body());
            while (matcher.find()) {
                fields.put(matcher.group(1), matcher.group(2));
            }
            return fields;
        } catch (Exception e) {
            throw new IllegalStateException("could not create execution-service's service client", e);
        }
    }

    @Override
    public void stop() {
        if (taskService != null) {
            taskService.stop();
        }
        if (identity != null) {
            identity.stop();
        }
    }

    @Override
    public int order() {
        return 10; // after FreshDatabaseResource, whose world this joins
    }
}
