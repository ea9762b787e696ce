package io.agentyard.worker.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.ServiceClients;
import io.agentyard.shared.testing.SiblingService;
import io.agentyard.shared.testing.TestTokens;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The whole suite, for real, for the worker's tests: every service's built jar started in a world of
 * the run's own (database, Redis prefix, signing keys), with execution-service and chat-service
 * given service clients as {@code deploy/local/start.sh} gives them. Started once per test JVM, the
 * first time a test asks for it; stopped (and its database dropped) when the JVM ends.
 */
final class Suite {

    /** Short leases, so a lost worker is noticed within the tests' patience. */
    static final String LEASE = "PT6S";

    private static Suite running;

    final FreshDatabaseResource world = new FreshDatabaseResource();
    final SiblingService identity;
    final SiblingService tasks;
    final SiblingService agents;
    final SiblingService executions;
    final SiblingService chat;
    final String adminToken;

    private Suite() {
        world.start();
        FreshDatabaseResource.World here = FreshDatabaseResource.current();
        identity = SiblingService.launch("identity-service", Map.of(
                "AGENTYARD_JWT_PRIVATE_KEY_LOCATION", here.privateKey().toString(),
                "AGENTYARD_JWT_PUBLIC_KEY_LOCATION", here.publicKey().toUri().toString()));
        tasks = SiblingService.launch("task-service", Map.of("AGENTYARD_TASK_LEASE_INTERVAL", LEASE,
                "AGENTYARD_TASK_REAPER_INTERVAL", "PT0.5S", "AGENTYARD_TASK_RETRY_BACKOFF", "PT0.5S"));
        agents = SiblingService.launch("agent-service", Map.of("AGENTYARD_TASK_SERVICE_URL", tasks.url()));
        executions = SiblingService.launch("execution-service", serviceClient("execution-service", here));
        Map<String, String> chatEnv = new HashMap<>(serviceClient("chat-service", here));
        chatEnv.put("AGENTYARD_AGENT_SERVICE_URL", agents.url());
        chatEnv.put("AGENTYARD_ATTACHMENTS_DIR", Path.of("target", "attachments").toAbsolutePath().toString());
        chat = SiblingService.launch("chat-service", chatEnv);
        adminToken = token(UUID.randomUUID(), "admin");
    }

    static synchronized Suite get() {
        if (running == null) {
            running = new Suite();
            Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "stop-suite"));
        }
        return running;
    }

    /** The environment that points a worker at this suite. */
    Map<String, String> workerEnv() {
        return Map.of("AGENTYARD_IDENTITY_URL", identity.url(), "AGENTYARD_AGENT_URL", agents.url(),
                "AGENTYARD_TASK_URL", tasks.url(), "AGENTYARD_EXECUTION_URL", executions.url(),
                "AGENTYARD_CHAT_URL", chat.url());
    }

    /** An access token of the run's key, as identity-service would sign it. */
    String token(UUID subject, String role) {
        try {
            PrivateKey key = KeyUtils.decodePrivateKey(Files.readString(FreshDatabaseResource.current().privateKey()));
            return Jwt.issuer(TestTokens.ISSUER).subject(subject.toString())
                    .upn(role + "-" + subject.toString().substring(0, 8)).groups(Set.of(role)).expiresIn(3600).sign(key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> serviceClient(String name, FreshDatabaseResource.World here) {
        Map<String, String> config = ServiceClients.create(identity.url(), here, name);
        return Map.of("AGENTYARD_SERVICE_CLIENT_ID", config.get("agentyard.service-client.id"),
                "AGENTYARD_SERVICE_CLIENT_SECRET", config.get("agentyard.service-client.secret"),
                "AGENTYARD_IDENTITY_URL", identity.url(), "AGENTYARD_TASK_SERVICE_URL", tasks.url());
    }

    private void stop() {
        for (SiblingService service : List.of(chat, executions, agents, tasks, identity)) {
            service.stop();
        }
        world.stop();
    }
}
