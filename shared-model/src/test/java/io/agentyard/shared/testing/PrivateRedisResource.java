package io.agentyard.shared.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A {@code redis-server} of the test's own on a free port, for tests that stop and restart Redis
 * (outage tests). The test finds the port in {@code quarkus.redis.hosts} and uses
 * {@link #stop(int)} and {@link #start(int)}.
 */
public class PrivateRedisResource implements QuarkusTestResourceLifecycleManager {

    private int port;

    @Override
    public Map<String, String> start() {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        start(port);
        return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port);
    }

    @Override
    public void stop() {
        stop(port);
    }

    /** Starts an empty, non-persistent Redis on {@code port} and waits until it accepts connections. */
    public static void start(int port) {
        run("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--daemonize", "yes", "--dir", System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < 100 && !accepting(port); i++) {
            sleep(50);
        }
        if (!accepting(port)) {
            throw new IllegalStateException("redis-server did not start on port " + port);
        }
    }

    /** Shuts the Redis on {@code port} down (no save) and waits until the port is closed. */
    public static void stop(int port) {
        run("redis-cli", "-p", String.valueOf(port), "shutdown", "nosave");
        for (int i = 0; i < 100 && accepting(port); i++) {
            sleep(50);
        }
    }

    private static boolean accepting(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException(command[0] + " is not installed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
