package io.agentyard.worker.workspace;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Where runs happen. A task with a repository runs in a git worktree of it on the task's branch;
 * each repository is cloned once under {@code <workDir>/repos/} and fetched again for every later
 * order, so a big repository is not downloaded per run. A task without one runs in an empty folder.
 * Every run's folder ({@code <workDir>/runs/<order>-<attempt>}) is removed when the run ends.
 */
public final class Workspaces {

    private static final Duration CLONE_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(2);

    /** Transports a task's repository may use; {@code file} only when the worker's owner allows local repositories. */
    private final List<String> protocols;
    private final Path repos;
    private final Path runs;
    /** One git operation at a time per clone (worktree add and fetch both write its refs). */
    private final ConcurrentHashMap<Path, Object> cloneLocks = new ConcurrentHashMap<>();

    /** A run's folder; {@code repository} is the clone it is a worktree of (null for a plain folder). */
    public record Workspace(Path dir, Path repository, String branch) {
        public boolean isGit() {
            return repository != null;
        }
    }

    public Workspaces(Path workDir, boolean allowLocalRepositories) {
        this.repos = workDir.resolve("repos");
        this.runs = workDir.resolve("runs");
        this.protocols = allowLocalRepositories ? List.of("http", "https", "ssh", "git", "file")
                : List.of("http", "https", "ssh", "git");
    }

    /**
     * Removes what runs of an earlier life of the worker left (it was killed, the machine restarted):
     * their folders and their worktrees' registrations. Called once at start, before any run.
     */
    public void sweep() {
        try {
            removeTree(runs);
            if (Files.isDirectory(repos)) {
                try (Stream<Path> clones = Files.list(repos)) {
                    for (Path clone : clones.toList()) {
                        Git.attempt(clone, GIT_TIMEOUT, protocols, "worktree", "prune");
                    }
                }
            }
        } catch (IOException e) {
            // what cannot be removed now stays; it takes only disk
        }
    }

    /**
     * A fresh folder for the run: a worktree of {@code repositoryUrl} on {@code branch} (created from
     * the default branch when the remote lacks it; {@code agentyard/<task>} when the task names none),
     * or an empty folder when there is no repository.
     */
    public Workspace prepare(String runName, String repositoryUrl, String branch, String taskId) throws IOException {
        Path dir = runs.resolve(runName);
        removeTree(dir);
        Files.createDirectories(runs);
        if (repositoryUrl == null || repositoryUrl.isBlank()) {
            Files.createDirectories(dir);
            return new Workspace(dir, null, null);
        }
        String workBranch = branch == null || branch.isBlank() ? "agentyard/" + taskId : branch;
        Path clone = repos.resolve(cloneName(repositoryUrl));
        synchronized (cloneLocks.computeIfAbsent(clone, key -> new Object())) {
            if (Files.isDirectory(clone.resolve(".git"))) {
                Git.run(clone, CLONE_TIMEOUT, protocols, "fetch", "--prune", "--quiet", "origin");
            } else {
                removeTree(clone);
                Files.createDirectories(repos);
                Git.run(repos, CLONE_TIMEOUT, protocols, "clone", "--quiet", "--no-checkout", "--", repositoryUrl, clone.toString());
            }
            Git.run(clone, GIT_TIMEOUT, protocols, "worktree", "prune");
            String start = Git.attempt(clone, GIT_TIMEOUT, protocols, "rev-parse", "--verify", "--quiet",
                    "refs/remotes/origin/" + workBranch).ok() ? "origin/" + workBranch : defaultStart(clone);
            if (start == null) {
                throw new IOException("the repository " + repositoryUrl + " has no branch to start " + workBranch
                        + " from (it is empty)");
            }
            Git.run(clone, GIT_TIMEOUT, protocols, "worktree", "add", "--force", "--quiet", "-B", workBranch, dir.toString(), start);
        }
        return new Workspace(dir, clone, workBranch);
    }

    /**
     * The files the run changed, added or deleted (paths relative to the workspace); in a plain folder,
     * which started empty, every file there.
     */
    public List<String> changedFiles(Workspace workspace) throws IOException {
        if (!workspace.isGit()) {
            try (Stream<Path> files = Files.walk(workspace.dir())) {
                return files.filter(Files::isRegularFile).map(file -> workspace.dir().relativize(file).toString())
                        .sorted().toList();
            }
        }
        List<String> files = new ArrayList<>();
        // -z: paths as they are (no quoting); a rename is "R  new\0old\0"
        String[] entries = Git.run(workspace.dir(), GIT_TIMEOUT, protocols, "status", "--porcelain=v1", "-z",
                "--untracked-files=all").split("\0");
        for (int i = 0; i < entries.length; i++) {
            if (entries[i].length() > 3) {
                files.add(entries[i].substring(3));
                if (entries[i].charAt(0) == 'R' || entries[i].charAt(0) == 'C') {
                    i++; // the old name
                }
            }
        }
        return files;
    }

    /**
     * Commits everything the run changed on the workspace's branch and, when {@code push}, pushes the
     * branch to origin. Returns the commit's sha, or null when nothing changed.
     */
    public String commit(Workspace workspace, String message, String author, boolean push) throws IOException {
        if (changedFiles(workspace).isEmpty()) {
            return null;
        }
        Git.run(workspace.dir(), GIT_TIMEOUT, protocols, "add", "--all");
        Git.run(workspace.dir(), GIT_TIMEOUT, protocols, "-c", "user.name=" + author, "-c", "user.email=" + author
                + "@agentyard.local", "commit", "--quiet", "--no-verify", "-m", message);
        String sha = Git.run(workspace.dir(), GIT_TIMEOUT, protocols, "rev-parse", "HEAD").strip();
        if (push) {
            Git.run(workspace.dir(), CLONE_TIMEOUT, protocols, "push", "--quiet", "origin", "HEAD:refs/heads/" + workspace.branch());
        }
        return sha;
    }

    /** Removes the run's folder (and its worktree's registration); the clone stays for the next order. */
    public void release(Workspace workspace) {
        try {
            if (workspace.isGit()) {
                synchronized (cloneLocks.computeIfAbsent(workspace.repository(), key -> new Object())) {
                    Git.attempt(workspace.repository(), GIT_TIMEOUT, protocols, "worktree", "remove", "--force",
                            workspace.dir().toString());
                    removeTree(workspace.dir());
                    Git.attempt(workspace.repository(), GIT_TIMEOUT, protocols, "worktree", "prune");
                }
            } else {
                removeTree(workspace.dir());
            }
        } catch (IOException e) {
            // a folder left behind is removed when a run of the same name prepares it again
        }
    }

    private String defaultStart(Path clone) throws IOException {
        Git.Result head = Git.attempt(clone, GIT_TIMEOUT, protocols, "rev-parse", "--verify", "--quiet", "refs/remotes/origin/HEAD");
        if (head.ok()) {
            return "origin/HEAD";
        }
        // a clone of a bare repository made with --no-checkout may lack origin/HEAD: take any branch
        String branches = Git.run(clone, GIT_TIMEOUT, protocols, "for-each-ref", "--format=%(refname:short)", "refs/remotes/origin");
        return branches.lines().filter(name -> !name.endsWith("/HEAD")).findFirst().orElse(null);
    }

    /** A stable folder name per repository: readable, and distinct for distinct URLs. */
    static String cloneName(String url) {
        String last = url.replaceAll("[/\\\\]+$", "");
        last = last.substring(Math.max(last.lastIndexOf('/'), last.lastIndexOf(':')) + 1).replaceAll("\\.git$", "")
                .replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return (last.isEmpty() ? "repo" : last) + "-" + String.format("%064x", new BigInteger(1, digest)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
