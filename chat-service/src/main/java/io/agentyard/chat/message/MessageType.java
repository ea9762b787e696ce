package io.agentyard.chat.message;

/** AgentVine's message types: a {@code question} from a worker waits for a person's {@code response}. */
public enum MessageType {
    text, question, response, status, error
}
