package io.agentyard.worker.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** git, run as a program with a time limit; never asks for credentials on a terminal. */
final class Git {

    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Git() {
    }

    /** Runs git in {@code dir}; throws with git's own words when it fails. */
    static String run(Path dir, Duration timeout, String... args) throws IOException {
        Result result = attempt(dir, timeout, args);
        if (!result.ok()) {
            throw new IOException("git " + String.join(" ", args) + " failed (" + result.exitCode() + "): "
                    + result.output().strip());
        }
        return result.output();
    }

    static Result attempt(Path dir, Duration timeout, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().put("GIT_ASKPASS", "true");
        // a repository URL comes from a task: never let it name a transport that runs commands (ext::)
        builder.environment().putIfAbsent("GIT_ALLOW_PROTOCOL", "http:https:ssh:git:file");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output;
        try {
            // git's output is small (status, a sha): read it whole, then wait within the limit
            output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("git " + String.join(" ", args) + " took longer than " + timeout);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during git " + args[0], e);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
