package io.agentyard.chat.llm;

import java.util.Objects;

/**
 * One message of the conversation sent to a model, in order: usually a {@code system} prompt, then
 * alternating {@code user} and {@code assistant} turns ending with the user's.
 */
public record ChatTurn(Role role, String content) {

    public enum Role { system, user, assistant }

    public ChatTurn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static ChatTurn system(String content) {
        return new ChatTurn(Role.system, content);
    }

    public static ChatTurn user(String content) {
        return new ChatTurn(Role.user, content);
    }

    public static ChatTurn assistant(String content) {
        return new ChatTurn(Role.assistant, content);
    }
}
