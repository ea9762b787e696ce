package io.agentyard.shared.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs another module of this build beside the service under test ({@link SiblingService}), in the
 * run's world, and points the service's REST client of that module at it:
 * <pre>
 * &#64;QuarkusTest
 * &#64;QuarkusTestResource(FreshDatabaseResource.class)
 * &#64;QuarkusTestResource(value = SiblingServiceResource.class, restrictToAnnotatedClass = true,
 *         initArgs = &#64;ResourceArg(name = SiblingServiceResource.MODULE, value = "task-service"))
 * class AgentTasksTest { ... SiblingServiceResource.running("task-service").stop() ... }
 * </pre>
 * It returns {@code quarkus.rest-client.<module>.url} = the sibling's URL (so a client registered
 * with {@code configKey = "<module>"} reaches it), starts after {@link FreshDatabaseResource}
 * (whose world it needs) and stops the process when the resource stops.
 * <p>
 * Init args: {@value #MODULE} (required) names the module; each {@code env.NAME} arg adds
 * environment variable {@code NAME}, in whose value {@code {privateKey}}, {@code {publicKey}}
 * (PEM file paths), {@code {publicKeyUrl}} (its {@code file:} URL), {@code {databaseUrl}} and
 * {@code {keyPrefix}} stand for the run's, e.g. for identity-service
 * {@code @ResourceArg(name = "env.AGENTYARD_JWT_PRIVATE_KEY_LOCATION", value = "{privateKey}")}.
 */
public class SiblingServiceResource implements QuarkusTestResourceLifecycleManager {

    public static final String MODULE = "module";
    public static final String ENV_PREFIX = "env.";

    private static final Map<String, SiblingService> RUNNING = new ConcurrentHashMap<>();

    private String module;
    private final Map<String, String> env = new HashMap<>();
    private SiblingService sibling;

    /** The sibling this resource runs for {@code module}, to stop and restart it in a test. */
    public static SiblingService running(String module) {
        SiblingService running = RUNNING.get(module);
        if (running == null) {
            throw new IllegalStateException("no " + module + " sibling: declare SiblingServiceResource with "
                    + MODULE + " = " + module + " on the test class");
        }
        return running;
    }

    @Override
    public void init(Map<String, String> args) {
        module = args.get(MODULE);
        if (module == null || module.isBlank()) {
            throw new IllegalArgumentException("SiblingServiceResource needs the init arg " + MODULE);
        }
        args.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                env.put(name.substring(ENV_PREFIX.length()), value);
            }
        });
    }

    @Override
    public Map<String, String> start() {
        FreshDatabaseResource.World world = FreshDatabaseResource.current();
        Map<String, String> resolved = new HashMap<>();
        env.forEach((name, value) -> resolved.put(name, value
                .replace("{privateKey}", world.privateKey().toString())
                .replace("{publicKey}", world.publicKey().toString())
                .replace("{publicKeyUrl}", world.publicKey().toUri().toString())
                .replace("{databaseUrl}", world.databaseUrl())
                .replace("{keyPrefix}", world.keyPrefix())));
        sibling = SiblingService.launch(module, resolved);
        RUNNING.put(module, sibling);
        return Map.of("quarkus.rest-client." + module + ".url", sibling.url());
    }

    @Override
    public void stop() {
        if (sibling != null) {
            RUNNING.remove(module, sibling);
            sibling.stop();
        }
    }

    /** After {@link FreshDatabaseResource} (order 0), whose world the sibling joins. */
    @Override
    public int order() {
        return 100;
    }
}
