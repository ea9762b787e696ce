package io.agentyard.worker.agent;

import java.util.List;

import io.agentyard.worker.agent.output.ClaudeStreamJson;
import io.agentyard.worker.agent.output.CodexJson;
import io.agentyard.worker.agent.output.PlainText;

/**
 * Reads one run's output, line by line, in the format its agent CLI writes ({@link #forFormat}).
 * One instance per run; called from one thread at a time.
 */
public interface AgentOutput {

    /**
     * What one line of the agent's stdout means; every line yields at least its {@link AgentEvent.Log}.
     * Never throws: a line the reader does not understand is logged as it is.
     */
    List<AgentEvent> stdout(String line);

    /** What one line of the agent's stderr means. */
    List<AgentEvent> stderr(String line);

    /**
     * The process ended: close what is still open (steps left running end failed), and give the
     * {@link AgentEvent.Result} of a format whose agent writes no closing line of its own (codex-json).
     */
    List<AgentEvent> end(int exitCode);

    /**
     * The line to write to the agent's stdin to hand it a person's answer to its {@link AgentEvent.Question},
     * without its line break, or null when this format cannot take answers on stdin.
     */
    String answerLine(String answer);

    /**
     * The reader of {@code format}: {@code claude-stream-json} (Claude Code's {@code --output-format stream-json}),
     * {@code codex-json} ({@code codex exec --json}) or {@code text} (any other command);
     * docs/agent-output.md says what each line of each becomes.
     *
     * @throws IllegalArgumentException for an unknown format
     */
    static AgentOutput forFormat(String format) {
        return switch (format) {
            case "claude-stream-json" -> new ClaudeStreamJson();
            case "codex-json" -> new CodexJson();
            case "text" -> new PlainText();
            default -> throw new IllegalArgumentException(
                    "unknown agent output format '" + format + "': claude-stream-json, codex-json or text");
        };
    }
}
