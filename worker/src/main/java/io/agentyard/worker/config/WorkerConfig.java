package io.agentyard.worker.config;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.agentyard.worker.api.ControlPlane;

/**
 * What {@code agentyard-worker register} stores and {@code run} reads: the worker's identity and
 * client credentials, where the suite is, the queues it serves, and how to run its agent.
 * Kept as JSON in {@code <home>/config.json}, readable by its owner only (0600).
 *
 * @param agents                 agent command per task type ({@code "*"}: every other type)
 * @param workDir                where repositories are cloned and runs get their workspaces
 * @param allowLocalRepositories whether a task may name a repository on this machine ({@code file://}):
 *                               off by default, since a task's author could then read any repository here
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkerConfig(String workerId, String name, String workerType, List<String> queues, String clientId,
                           String clientSecret, Endpoints endpoints, Map<String, AgentCommand> agents,
                           String workDir, Boolean allowLocalRepositories) {

    public static final String FILE = "config.json";

    /**
     * How to run the agent: a command line ({@code {prompt}}, {@code {promptFile}}, {@code {workspace}},
     * {@code {taskId}} are replaced, each as one argument, no shell involved) and the format of its
     * output (claude-stream-json, codex-json or text). {@code answersOnStdin}: the agent reads
     * people's answers to its questions on stdin (e.g. Claude Code with {@code --input-format
     * stream-json}); otherwise its stdin is closed at start and it asks with {@code agentyard-worker ask}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AgentCommand(String command, String format, Boolean answersOnStdin) {

        public AgentCommand(String command, String format) {
            this(command, format, null);
        }

        public boolean takesAnswersOnStdin() {
            return Boolean.TRUE.equals(answersOnStdin);
        }
    }

    /** The agent command for a task type: its own, else the default ({@code "*"}). */
    public AgentCommand agentFor(String taskType) {
        AgentCommand own = agents.get(taskType);
        return own != null ? own : agents.get("*");
    }

    public static Path defaultHome() {
        String home = System.getenv("AGENTYARD_WORKER_HOME");
        return home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".agentyard-worker");
    }

    /** The configuration in {@code home}. */
    public static WorkerConfig load(Path home) throws IOException {
        Path file = home.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no worker configuration at " + file + ": run `agentyard-worker register` first");
        }
        try {
            return ControlPlane.JSON.readValue(file.toFile(), WorkerConfig.class);
        } catch (IOException e) {
            throw new IOException("the worker configuration " + file + " is not readable JSON: " + e.getMessage(), e);
        }
    }

    /** Writes the configuration readable by its owner only, replacing the file at once (never half-written). */
    public void save(Path home) throws IOException {
        createPrivateDirectory(home);
        Path temp = home.resolve(FILE + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            Files.writeString(temp, "");
        }
        ControlPlane.JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), this);
        try {
            Files.move(temp, home.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, home.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public boolean localRepositoriesAllowed() {
        return Boolean.TRUE.equals(allowLocalRepositories);
    }

    /** A folder only its owner may enter (0700): it holds credentials, prompts and workspaces. */
    public static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                Files.createDirectories(dir);
            }
        }
    }

    public Path workDirOr(Path home) {
        return workDir == null ? home.resolve("workspaces") : Path.of(workDir);
    }
}
