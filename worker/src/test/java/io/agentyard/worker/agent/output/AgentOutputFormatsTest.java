package io.agentyard.worker.agent.output;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.agentyard.worker.agent.AgentOutput;

class AgentOutputFormatsTest {

    @Test
    void eachFormatHasItsReader() {
        assertInstanceOf(ClaudeStreamJson.class, AgentOutput.forFormat("claude-stream-json"));
        assertInstanceOf(CodexJson.class, AgentOutput.forFormat("codex-json"));
        assertInstanceOf(PlainText.class, AgentOutput.forFormat("text"));
    }

    @Test
    void anUnknownFormatIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> AgentOutput.forFormat("stream-json"));
    }
}
