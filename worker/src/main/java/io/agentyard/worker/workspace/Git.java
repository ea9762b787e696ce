package io.agentyard.worker.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * git, run as a program with a time limit; it never waits for a person (no credential or host-key
 * prompt) and never runs a transport that executes commands.
 */
public final class Git {

    /** The user-info of a URL ({@code https://user:token@host}): never repeated in a message or a prompt. */
    private static final Pattern CREDENTIALS = Pattern.compile("(?<=://)[^/@\\s]+@");

    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Git() {
    }

    /** Runs git in {@code dir}; throws with git's own words (credentials blanked) when it fails. */
    static String run(Path dir, Duration timeout, List<String> protocols, String... args) throws IOException {
        Result result = attempt(dir, timeout, protocols, args);
        if (!result.ok()) {
            throw new IOException(redact("git " + String.join(" ", args) + " failed (" + result.exitCode() + "): "
                    + result.output().strip()));
        }
        return result.output();
    }

    static Result attempt(Path dir, Duration timeout, List<String> protocols, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        // output to a file, not a pipe: reading a pipe to its end would wait as long as git does
        Path output = Files.createTempFile("agentyard-git", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().put("GIT_TERMINAL_PROMPT", "0");
            builder.environment().put("GIT_ASKPASS", "true");
            builder.environment().putIfAbsent("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
            // a repository URL comes from a task: only the transports the worker allows (never ext::)
            builder.environment().put("GIT_ALLOW_PROTOCOL", String.join(":", protocols));
            Process process = builder.start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IOException(redact("git " + String.join(" ", args) + " took longer than " + timeout));
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during git " + args[0], e);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** {@code url} without its credentials ({@code https://host/...}), as a prompt names the repository. */
    public static String withoutCredentials(String url) {
        return CREDENTIALS.matcher(url).replaceAll("");
    }

    /** {@code text} with the credentials of every URL in it blanked ({@code https://***@host/...}). */
    static String redact(String text) {
        return CREDENTIALS.matcher(text).replaceAll("***@");
    }
}
