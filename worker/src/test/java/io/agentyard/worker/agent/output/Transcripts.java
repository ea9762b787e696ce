package io.agentyard.worker.agent.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.agentyard.worker.agent.AgentEvent;
import io.agentyard.worker.agent.AgentOutput;

/** Feeding recorded output to a reader, and picking events out of what it said. */
final class Transcripts {

    private Transcripts() {
    }

    /** The lines of test resource {@code agent-output/<name>}. */
    static List<String> lines(String name) {
        try (InputStream in = Transcripts.class.getResourceAsStream("/agent-output/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every event {@code output} makes of {@code lines} on stdout, then of the process ending with {@code exitCode}. */
    static List<AgentEvent> run(AgentOutput output, List<String> lines, int exitCode) {
        List<AgentEvent> events = new ArrayList<>();
        lines.forEach(line -> events.addAll(output.stdout(line)));
        events.addAll(output.end(exitCode));
        return events;
    }

    static <T extends AgentEvent> List<T> only(List<AgentEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends AgentEvent> T single(List<AgentEvent> events, Class<T> type) {
        List<T> found = only(events, type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " in " + events);
        }
        return found.get(0);
    }
}
