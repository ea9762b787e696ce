package io.agentyard.worker.agent.output;

import static io.agentyard.worker.agent.output.OutputSupport.ERROR;
import static io.agentyard.worker.agent.output.OutputSupport.INFO;
import static io.agentyard.worker.agent.output.OutputSupport.WARNING;
import static io.agentyard.worker.agent.output.OutputSupport.log;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.agentyard.worker.agent.AgentEvent;
import io.agentyard.worker.agent.AgentOutput;

/**
 * Any other command: each line is a log line, its level guessed from how it starts; a line
 * {@code AGENTYARD_QUESTION: <text>} asks a person, whose answer goes back as one line on stdin.
 * There is no result: the exit code says how the run went.
 */
public final class PlainText implements AgentOutput {

    /** What a script prints to ask a person; the answer arrives as one line on its stdin. */
    public static final String QUESTION_PREFIX = "AGENTYARD_QUESTION:";

    @Override
    public List<AgentEvent> stdout(String line) {
        String trimmed = line.strip();
        if (trimmed.startsWith(QUESTION_PREFIX)) {
            String question = trimmed.substring(QUESTION_PREFIX.length()).strip();
            return List.of(log(INFO, line, Map.of()), new AgentEvent.Question(question, Map.of()));
        }
        return List.of(log(level(trimmed), line, Map.of()));
    }

    @Override
    public List<AgentEvent> stderr(String line) {
        return List.of(log(WARNING, line, Map.of("stream", "stderr")));
    }

    @Override
    public List<AgentEvent> end(int exitCode) {
        return List.of();
    }

    /** The answer as one line: a newline inside it would read as the start of the next answer. */
    @Override
    public String answerLine(String answer) {
        return answer.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    private static String level(String line) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("error") || lower.startsWith("fatal")) {
            return ERROR;
        }
        return lower.startsWith("warn") ? WARNING : INFO;
    }
}
