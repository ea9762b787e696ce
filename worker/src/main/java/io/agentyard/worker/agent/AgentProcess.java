package io.agentyard.worker.agent;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.agentyard.worker.Threads;

/**
 * One agent CLI running in a workspace: its stdout and stderr read line by line (in arrival order
 * per stream) into {@link #lines()}, its stdin open only when the agent takes answers there. It runs
 * in a session and process group of its own ({@code setsid}), so that everything it starts, even
 * what it leaves behind in the background, is stopped with it (TERM, then KILL after a grace), and a
 * Ctrl-C at the worker's terminal reaches the worker, not the agents.
 */
public final class AgentProcess {

    /** A line of output; {@code stream} is null for the end marker, queued once both streams closed. */
    public record Line(String stream, String text) {
        public boolean isEnd() {
            return stream == null;
        }
    }

    static final Duration KILL_GRACE = Duration.ofSeconds(3);
    private static final String SETSID = "/usr/bin/setsid";
    /** Longest line passed on; agents sometimes print megabytes of JSON on one line. */
    private static final int MAX_LINE = 256 * 1024;

    private final Process process;
    /** The agent's process group (its own pid, under setsid), or null where setsid is missing. */
    private final Long group;
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private final OutputStream stdin;
    private Integer stoppedWith;

    private AgentProcess(Process process, boolean grouped, boolean keepStdin) throws IOException {
        this.process = process;
        this.group = grouped ? process.pid() : null;
        if (keepStdin) {
            this.stdin = process.getOutputStream();
        } else {
            process.getOutputStream().close();
            this.stdin = null;
        }
        Thread out = reader("stdout", process.getInputStream());
        Thread err = reader("stderr", process.getErrorStream());
        Threads.daemon("agent-end", () -> {
            join(out);
            join(err);
            lines.add(new Line(null, null));
        });
    }

    /**
     * Starts {@code command} in {@code workspace} with {@code env} added to the worker's environment.
     * The program is looked up on the PATH that {@code env} gives, so the worker's own bin folder
     * (with {@code agentyard-worker}) is found.
     */
    public static AgentProcess start(List<String> command, Path workspace, Map<String, String> env,
                                     boolean keepStdin) throws IOException {
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, resolve(command.get(0), env.getOrDefault("PATH", System.getenv("PATH"))));
        // the JVM's child is never a group leader, so setsid makes it one without forking: same pid
        boolean grouped = Files.isExecutable(Path.of(SETSID));
        if (grouped) {
            resolved.add(0, SETSID);
        }
        ProcessBuilder builder = new ProcessBuilder(resolved).directory(workspace.toFile());
        builder.environment().putAll(env);
        return new AgentProcess(builder.start(), grouped, keepStdin);
    }

    private static String resolve(String program, String path) throws IOException {
        if (program.contains("/") || path == null) {
            return program;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IOException("the agent command '" + program + "' is not on the PATH (" + path + ")");
    }

    public BlockingQueue<Line> lines() {
        return lines;
    }

    public long pid() {
        return process.pid();
    }

    /** Writes one line to the agent's stdin; false when it takes none or has closed it. */
    public synchronized boolean answer(String line) {
        if (stdin == null) {
            return false;
        }
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the agent to exit: its exit code, or null while it still runs. */
    public Integer waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /**
     * Stops the agent and everything it started: TERM to its process group (or, without setsid, to
     * every descendant), KILL to what is left after a grace. Safe to call again and from any thread:
     * the exit code of the first stop is answered.
     */
    public synchronized int stop() throws InterruptedException {
        if (stoppedWith != null) {
            return stoppedWith;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        signal("TERM", tree);
        if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(tree::add);
            signal("KILL", tree);
            process.waitFor();
        }
        signal("KILL", tree); // whatever ignored TERM in the group, now that the leader is gone
        stoppedWith = process.exitValue();
        return stoppedWith;
    }

    /** After a normal exit: stops what the agent left running in the background (a dev server, a watcher). */
    public void stopLeftovers() {
        if (group != null) {
            signal("KILL", List.of());
        }
    }

    private void signal(String name, List<ProcessHandle> tree) {
        if (group != null) {
            try {
                new ProcessBuilder("kill", "-" + name, "--", "-" + group).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // no kill program: fall back to the descendants the JVM can see
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean hard = name.equals("KILL");
        for (ProcessHandle handle : tree) {
            if (hard) {
                handle.destroyForcibly();
            } else {
                handle.destroy();
            }
        }
        if (hard) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    private Thread reader(String stream, InputStream input) {
        return Threads.daemon("agent-" + stream, () -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(new Line(stream, line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + " [cut]" : line));
                }
            } catch (IOException e) {
                // the process was stopped: its pipes closed under us
            }
        });
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
