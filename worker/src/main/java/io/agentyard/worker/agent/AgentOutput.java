package io.agentyard.worker.agent;

import java.util.List;

/**
 * Reads one run's output, line by line, in the format its agent CLI writes ({@link #forFormat}).
 * One instance per run; called from one thread at a time.
 */
public interface AgentOutput {

    /** What one line of the agent's stdout means; every line yields at least its {@link AgentEvent.Log}. */
    List<AgentEvent> stdout(String line);

    /** What one line of the agent's stderr means. */
    List<AgentEvent> stderr(String line);

    /** The process ended: close what is still open (steps left running end failed). */
    List<AgentEvent> end(int exitCode);

    /**
     * The line to write to the agent's stdin to hand it a person's answer to its {@link AgentEvent.Question},
     * or null when this format cannot take answers on stdin.
     */
    String answerLine(String answer);

    /**
     * The reader of {@code format}: {@code claude-stream-json} (Claude Code's {@code --output-format stream-json}),
     * {@code codex-json} ({@code codex exec --json}) or {@code text} (any other command).
     *
     * @throws IllegalArgumentException for an unknown format
     */
    static AgentOutput forFormat(String format) {
        throw new UnsupportedOperationException("not yet");
    }
}
