package io.agentyard.chat.message;

/**
 * Who wrote a message: AgentVine's senders plus AgentDB9's agent. The role a model sees follows
 * from it ({@link MessageRole}).
 */
public enum SenderType {
    user, worker, system, controller, agent;

    public MessageRole role() {
        return switch (this) {
            case user -> MessageRole.user;
            case worker, agent -> MessageRole.agent;
            case system, controller -> MessageRole.system;
        };
    }
}
