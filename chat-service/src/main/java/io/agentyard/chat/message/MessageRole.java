package io.agentyard.chat.message;

/** AgentDB9's message roles (sent to a model as user, assistant and system). */
public enum MessageRole {
    user, agent, system
}
