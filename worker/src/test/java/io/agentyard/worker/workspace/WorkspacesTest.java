package io.agentyard.worker.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workspaces on a real git repository in a temporary folder (not a @QuarkusTest: no service involved). */
class WorkspacesTest {

    private static final List<String> ALL = List.of("file");

    @TempDir
    Path temp;

    @Test
    void aLocalRepositoryIsRefusedUnlessAllowed() throws IOException {
        Path origin = repository();
        Workspaces refusing = new Workspaces(temp.resolve("work"), false);
        IOException refused = assertThrows(IOException.class,
                () -> refusing.prepare("run-1", origin.toUri().toString(), "main", "task"));
        assertTrue(refused.getMessage().contains("transport 'file' not allowed"), refused.getMessage());

        Workspaces allowing = new Workspaces(temp.resolve("work"), true);
        Workspaces.Workspace workspace = allowing.prepare("run-2", origin.toUri().toString(), "feature/x", "task");
        assertTrue(Files.exists(workspace.dir().resolve("README.md")));
        Files.writeString(workspace.dir().resolve("new file.txt"), "x");
        Files.writeString(workspace.dir().resolve("README.md"), "changed");
        assertEquals(List.of("README.md", "new file.txt"), allowing.changedFiles(workspace).stream().sorted().toList());
        allowing.release(workspace);
        assertFalse(Files.exists(workspace.dir()));
    }

    @Test
    void credentialsInAUrlNeverReachAMessage() {
        assertEquals("git clone https://***@example.com/repo.git failed",
                Git.redact("git clone https://alice:s3cret@example.com/repo.git failed"));
    }

    private Path repository() throws IOException {
        Path origin = temp.resolve("origin");
        Files.createDirectories(origin);
        Git.run(origin, Duration.ofSeconds(20), ALL, "init", "--quiet", "--initial-branch=main");
        Files.writeString(origin.resolve("README.md"), "hello\n");
        Git.run(origin, Duration.ofSeconds(20), ALL, "add", "README.md");
        Git.run(origin, Duration.ofSeconds(20), ALL, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "one");
        return origin;
    }
}
