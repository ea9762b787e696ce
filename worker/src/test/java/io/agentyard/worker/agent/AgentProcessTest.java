package io.agentyard.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes: what the worker stops must really stop (not a @QuarkusTest: no service involved). */
class AgentProcessTest {

    @TempDir
    Path temp;

    @Test
    void stoppingAnAgentStopsWhatItLeftRunningInTheBackground() throws Exception {
        // the agent starts a process in the background and lets go of it (it is re-parented away)
        AgentProcess agent = AgentProcess.start(List.of("bash", "-c",
                "( sleep 60 & echo $! > orphan.pid ); echo started; sleep 60"), temp, Map.of(), false);
        assertEquals("started", agent.lines().take().text());
        long orphan = Long.parseLong(Files.readString(temp.resolve("orphan.pid")).trim());
        assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false));

        assertEquals(143, agent.stop());
        assertEquals(143, agent.stop(), "a second stop answers the first");
        awaitGone(orphan);
    }

    @Test
    void whatAnAgentLeavesBehindAfterAnOrdinaryExitIsStopped() throws Exception {
        AgentProcess agent = AgentProcess.start(List.of("bash", "-c", "sleep 60 & echo $! > child.pid; exit 0"),
                temp, Map.of(), false);
        assertEquals(0, agent.waitFor(Duration.ofSeconds(10)));
        long child = Long.parseLong(Files.readString(temp.resolve("child.pid")).trim());
        agent.stopLeftovers();
        awaitGone(child);
    }

    @Test
    void aProgramMissingFromThePathIsNamed() {
        IOException missing = assertThrows(IOException.class,
                () -> AgentProcess.start(List.of("no-such-agent-cli"), temp, Map.of("PATH", "/usr/bin"), false));
        assertTrue(missing.getMessage().contains("'no-such-agent-cli' is not on the PATH"), missing.getMessage());
    }

    /** Killed processes linger until reaped by their new parent: wait a little. */
    private static void awaitGone(long pid) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && Instant.now().isBefore(end)) {
            Thread.sleep(50);
        }
        assertTrue(ProcessHandle.of(pid).isEmpty() || !ProcessHandle.of(pid).get().isAlive(),
                "process " + pid + " still runs");
    }
}
