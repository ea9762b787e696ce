package io.agentyard.chat.message;

/**
 * Where a message's text stands (AgentDB9's {@code metadata.streaming}, made a state):
 * {@code streaming} while chunks are appended, then {@code complete}, {@code stopped} (someone
 * pressed stop) or {@code failed} (the generation broke off).
 */
public enum MessageState {
    streaming, complete, stopped, failed;

    public boolean isFinal() {
        return this != streaming;
    }
}
