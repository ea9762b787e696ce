package io.agentyard.shared.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Another module of this build, run for real beside the service under test: its built jar
 * ({@code ../<module>/target/quarkus-app/quarkus-run.jar}) started with {@code java -jar} on a free
 * port, in the test run's world ({@link FreshDatabaseResource#current()}: the same database, Redis
 * and key prefix, and the key that verifies the run's {@link TestTokens}), so it accepts the run's
 * tokens and shares its data and streams. Tests reach it at {@link #url()}; {@link #stop()} (or
 * {@link #kill()}, a crash) and {@link #start()} take it down and bring it back on the same port (an outage). The process also
 * ends with the JVM.
 * <p>
 * Most tests declare it through {@link SiblingServiceResource}. Its output goes to
 * {@code target/siblings/<module>-<port>.log} of the module under test.
 */
public final class SiblingService {

    /** How long a sibling may take to answer {@code /q/health/ready}: {@code AGENTYARD_TEST_SIBLING_START_TIMEOUT} (ISO-8601). */
    private static final Duration START_TIMEOUT = Duration.parse(
            System.getenv().getOrDefault("AGENTYARD_TEST_SIBLING_START_TIMEOUT", "PT90S"));
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final String module;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Thread shutdownHook;

    private SiblingService(String module, Path jar, int port, Map<String, String> env, Path log) {
        this.module = module;
        this.jar = jar;
        this.port = port;
        this.env = env;
        this.log = log;
    }

    /**
     * Starts {@code module} (e.g. {@code task-service}) in the current test world and waits until it
     * is ready. {@code extraEnv} adds to or overrides the environment of {@link #worldEnv}, e.g.
     * identity-service's {@code AGENTYARD_JWT_PRIVATE_KEY_LOCATION}.
     *
     * @throws IllegalStateException when the module's jar is missing ("build it first"), or when it
     *                               exits or is not ready in time (the message ends with its log)
     */
    public static SiblingService launch(String module, Map<String, String> extraEnv) {
        Path jar = jarOf(module);
        int port = freePort();
        Map<String, String> env = new HashMap<>(worldEnv(FreshDatabaseResource.current()));
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.putAll(extraEnv);
        Path log = Path.of("target", "siblings", module + "-" + port + ".log").toAbsolutePath();
        SiblingService sibling = new SiblingService(module, jar, port, Map.copyOf(env), log);
        sibling.start();
        return sibling;
    }

    /**
     * The environment that puts a service in {@code world}: database and credentials, Redis and key
     * prefix, and the public key that verifies the run's tokens (as a {@code file:} URL, where the
     * JWKS would be). identity-service, which signs tokens, also needs
     * {@code AGENTYARD_JWT_PRIVATE_KEY_LOCATION} = {@code world.privateKey()} and
     * {@code AGENTYARD_JWT_PUBLIC_KEY_LOCATION} = {@code world.publicKey().toUri()} as extra env.
     */
    public static Map<String, String> worldEnv(FreshDatabaseResource.World world) {
        Map<String, String> env = new HashMap<>();
        env.put("AGENTYARD_DB_URL", world.databaseUrl());
        env.put("AGENTYARD_DB_USER", world.username());
        env.put("AGENTYARD_DB_PASSWORD", world.password());
        env.put("AGENTYARD_DB_POOL_SIZE", "5");
        env.put("AGENTYARD_REDIS_URL", world.redisUrl());
        env.put("AGENTYARD_EVENTS_KEY_PREFIX", world.keyPrefix());
        env.put("AGENTYARD_JWKS_URL", world.publicKey().toUri().toString());
        env.put("AGENTYARD_JWT_ISSUER", TestTokens.ISSUER);
        return env;
    }

    public String module() {
        return module;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Where the sibling's output goes. */
    public Path log() {
        return log;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** (Re)starts the sibling on its port and waits until it is ready; does nothing while it runs. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m", "-jar", jar.toString()));
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(jar.getParent().toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + module + " (" + jar + ")", e);
        }
        Process started = process;
        shutdownHook = new Thread(started::destroyForcibly, "stop-" + module);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        awaitReady();
    }

    /** Stops the sibling (SIGTERM, SIGKILL after 15 s) and waits until it is gone; idempotent. */
    public synchronized void stop() {
        terminate(STOP_TIMEOUT);
    }

    /**
     * Stops the sibling as Kubernetes stops a pod (SIGTERM) and waits up to {@code within} for it to
     * exit; answers its exit code, or -1 when it had to be killed. Idempotent (0 when not running).
     */
    public synchronized int terminate(Duration within) {
        if (process == null) {
            return 0;
        }
        int exit = -1;
        process.destroy();
        try {
            if (process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = process.exitValue();
            } else {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        return exit;
    }

    /** Kills the sibling (SIGKILL: a crash, nothing flushed or closed) and waits until it is gone; idempotent. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private void awaitReady() {
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String exit = String.valueOf(process.exitValue());
                stop();
                throw new IllegalStateException(module + " exited (" + exit + ") before it was ready; its log ("
                        + log + ") ends:\n" + logTail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(100);
        }
        stop();
        throw new IllegalStateException(module + " was not ready within " + START_TIMEOUT + " on port " + port
                + "; its log (" + log + ") ends:\n" + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The module's runnable jar, beside the module under test (or under the working directory). */
    static Path jarOf(String module) {
        Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path relative = Path.of(module, "target", "quarkus-app", "quarkus-run.jar");
        for (Path candidate : List.of(here.resolveSibling(relative), here.resolve(relative))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(module + "'s jar " + here.resolveSibling(relative).normalize()
                + " is missing: build " + module + " first (./mvnw -B -pl " + module + " -am package -DskipTests)");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
