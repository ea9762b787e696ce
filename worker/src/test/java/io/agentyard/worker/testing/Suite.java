package io.agentyard.worker.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.agentyard.shared.testing.FreshDatabaseResource;
import io.agentyard.shared.testing.ServiceClients;
import io.agentyard.shared.testing.SiblingService;
import io.agentyard.shared.testing.TestTokens;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The whole suite, for real: every service's built jar started in a world of the run's own
 * (database, Redis prefix, signing keys), with execution-service and chat-service given service
 * clients and identity-service a first admin ({@link #ADMIN_USERNAME}, {@link #adminPassword()}), as
 * {@code deploy/local/start.sh} gives them. The worker's tests and the e2e journeys share it: one per
 * test JVM ({@link #get()}), started the first time a test asks for it, stopped (and its database
 * dropped) when the tests have run ({@link SuiteStopper}), or else when the JVM ends. Tests reach each service as a field ({@code suite.tasks.url()}) and take
 * one down and back on the same port with its {@code kill()} / {@code stop()} and {@code start()}.
 */
public final class Suite implements AutoCloseable {

    /** Short leases, so a lost worker is noticed within the tests' patience. */
    public static final String LEASE = "PT6S";
    public static final String ADMIN_USERNAME = "admin";

    private static Suite running;

    /** The run's fresh world, dropped on close; null for a suite on a database of someone else's. */
    private final FreshDatabaseResource fresh;
    private final FreshDatabaseResource.World world;
    private final String adminPassword;
    private final Map<String, String> executionClient;
    private final Map<String, String> chatClient;
    private boolean closed;
    public final SiblingService identity;
    public final SiblingService tasks;
    public final SiblingService agents;
    public final SiblingService executions;
    public final SiblingService chat;
    /** An admin's access token of the run's key, without signing in (the worker's tests use it). */
    public final String adminToken;

    private Suite(FreshDatabaseResource fresh, FreshDatabaseResource.World world, String adminPassword,
                  Map<String, String> executionClient, Map<String, String> chatClient) {
        this.fresh = fresh;
        this.world = world;
        this.adminPassword = adminPassword;
        Map<String, String> here = SiblingService.worldEnv(world);
        identity = launch("identity-service", here, Map.of(
                "AGENTYARD_JWT_PRIVATE_KEY_LOCATION", world.privateKey().toString(),
                "AGENTYARD_JWT_PUBLIC_KEY_LOCATION", world.publicKey().toUri().toString(),
                "AGENTYARD_ADMIN_USERNAME", ADMIN_USERNAME, "AGENTYARD_ADMIN_PASSWORD", adminPassword));
        this.executionClient = executionClient != null ? executionClient : serviceClient("execution-service");
        this.chatClient = chatClient != null ? chatClient : serviceClient("chat-service");
        tasks = launch("task-service", here, Map.of("AGENTYARD_TASK_LEASE_INTERVAL", LEASE,
                "AGENTYARD_TASK_REAPER_INTERVAL", "PT1S", "AGENTYARD_TASK_RETRY_BACKOFF", "PT0.5S"));
        agents = launch("agent-service", here, Map.of("AGENTYARD_TASK_SERVICE_URL", tasks.url()));
        executions = launch("execution-service", here, clientEnv(this.executionClient));
        Map<String, String> chatEnv = new HashMap<>(clientEnv(this.chatClient));
        chatEnv.put("AGENTYARD_AGENT_SERVICE_URL", agents.url());
        chatEnv.put("AGENTYARD_ATTACHMENTS_DIR", Path.of("target", "attachments").toAbsolutePath().toString());
        chat = launch("chat-service", here, chatEnv);
        adminToken = token(UUID.randomUUID(), "admin");
    }

    /** The suite of this test JVM, started on first use in a fresh world. */
    public static synchronized Suite get() {
        if (running == null) {
            FreshDatabaseResource fresh = new FreshDatabaseResource();
            fresh.start();
            running = new Suite(fresh, FreshDatabaseResource.current(),
                    "Ay1-" + HexFormat.of().formatHex(randomBytes(12)), null, null);
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "stop-suite"));
        }
        return running;
    }

    /** Stops the suite of this test JVM, if one runs. */
    static void stopRunning() {
        Suite suite;
        synchronized (Suite.class) {
            suite = running;
        }
        if (suite != null) {
            suite.close();
        }
    }

    /**
     * A second suite serving {@code database} (one restored from a backup of this suite's, on the same
     * server) as this one was configured: the same signing keys, admin password and service clients,
     * and Redis keys of its own (under this run's prefix, so they go with it). {@link #close()} stops
     * it; the database stays its owner's to drop.
     */
    public Suite onDatabase(String database) {
        String url = world.databaseUrl().substring(0, world.databaseUrl().lastIndexOf('/') + 1) + database;
        FreshDatabaseResource.World other = new FreshDatabaseResource.World(database, url, world.username(),
                world.password(), world.redisUrl(), world.keyPrefix() + database + ":", world.privateKey(),
                world.publicKey());
        return new Suite(null, other, adminPassword, executionClient, chatClient);
    }

    /** The database, Redis prefix and keys this suite serves. */
    public FreshDatabaseResource.World world() {
        return world;
    }

    /** The first admin's password (username {@link #ADMIN_USERNAME}). */
    public String adminPassword() {
        return adminPassword;
    }

    /** The environment that points a worker at this suite. */
    public Map<String, String> workerEnv() {
        return Map.of("AGENTYARD_IDENTITY_URL", identity.url(), "AGENTYARD_AGENT_URL", agents.url(),
                "AGENTYARD_TASK_URL", tasks.url(), "AGENTYARD_EXECUTION_URL", executions.url(),
                "AGENTYARD_CHAT_URL", chat.url());
    }

    /** An access token of the run's key, as identity-service would sign it. */
    public String token(UUID subject, String role) {
        try {
            PrivateKey key = KeyUtils.decodePrivateKey(Files.readString(world.privateKey()));
            return Jwt.issuer(TestTokens.ISSUER).subject(subject.toString())
                    .upn(role + "-" + subject.toString().substring(0, 8)).groups(Set.of(role)).expiresIn(3600).sign(key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops every service; the JVM's suite also drops its world (its database and Redis keys). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SiblingService service : List.of(chat, executions, agents, tasks, identity)) {
            service.stop();
        }
        if (fresh != null) {
            fresh.stop();
            synchronized (Suite.class) {
                if (running == this) {
                    running = null;
                }
            }
        }
    }

    private static SiblingService launch(String module, Map<String, String> world, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(world);
        env.putAll(extra);
        return SiblingService.launch(module, env);
    }

    private Map<String, String> serviceClient(String name) {
        Map<String, String> config = ServiceClients.create(identity.url(), world, name);
        return Map.of("AGENTYARD_SERVICE_CLIENT_ID", config.get("agentyard.service-client.id"),
                "AGENTYARD_SERVICE_CLIENT_SECRET", config.get("agentyard.service-client.secret"));
    }

    private Map<String, String> clientEnv(Map<String, String> client) {
        Map<String, String> env = new HashMap<>(client);
        env.put("AGENTYARD_IDENTITY_URL", identity.url());
        env.put("AGENTYARD_TASK_SERVICE_URL", tasks.url());
        return env;
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
