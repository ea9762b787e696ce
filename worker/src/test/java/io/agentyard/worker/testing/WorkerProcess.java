package io.agentyard.worker.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code agentyard-worker} jar run as a program, as a user runs it: its own home folder,
 * the suite's URLs in its environment, its output in {@code target/workers/<name>.log}. The jar is
 * {@code target/agentyard-worker.jar}, or where the system property {@code agentyard.worker.jar} says.
 */
public final class WorkerProcess {

    public static final Path JAR = Path.of(System.getProperty("agentyard.worker.jar", "target/agentyard-worker.jar"));

    public final Path home;
    public final Path log;
    private final Map<String, String> env;
    private Process process;

    public WorkerProcess(Path home, String name, Map<String, String> env) {
        this.home = home;
        this.log = Path.of("target", "workers", name + ".log").toAbsolutePath();
        this.env = new HashMap<>(env);
        this.env.put("AGENTYARD_WORKER_HOME", home.toString());
        try {
            Files.deleteIfExists(log); // an earlier run's output must not answer this run's questions
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The stand-in for Claude Code ({@code agents/standin-claude.sh} of the worker's test resources,
     * also in its test-jar) copied into {@code dir}: run it as {@code bash <path> {promptFile}} with
     * {@code --format claude-stream-json}; a task's description picks its scenario ("SCENARIO: edit").
     */
    public static Path standinAgent(Path dir) {
        try (InputStream script = WorkerProcess.class.getResourceAsStream("/agents/standin-claude.sh")) {
            if (script == null) {
                throw new IllegalStateException("agents/standin-claude.sh is not on the class path");
            }
            Path copy = Files.createDirectories(dir).resolve("standin-claude.sh");
            Files.copy(script, copy, StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command to its end (a minute at most): its exit code. */
    public int call(String... args) {
        start(args);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("agentyard-worker " + String.join(" ", args) + " did not end:\n" + output());
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** Starts {@code agentyard-worker args...} in the background. */
    public WorkerProcess start(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "$ agentyard-worker " + String.join(" ", args) + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        return this;
    }

    /** SIGTERM, as Kubernetes stops a pod. */
    public void terminate() {
        process.destroy();
    }

    public void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits for the process to end: its exit code, or null when it still runs after {@code timeout}. */
    public Integer exitWithin(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
