package io.agentyard.chat.llm;

import java.util.List;

/**
 * A streamed completion to ask for: which catalogue provider and model (as an agent's configuration
 * names them: {@code llmProvider}, {@code model}), the conversation so far, and the optional
 * sampling settings (left to the provider's defaults when null).
 *
 * @param provider    a provider of the catalogue ({@code ollama}, {@code openai}, ...)
 * @param model       one of that provider's catalogued models, as the provider names it
 * @param messages    the turns, system prompt first; at least one
 * @param temperature sent as {@code temperature} when not null
 * @param maxTokens   sent as {@code max_tokens} when not null
 */
public record CompletionRequest(String provider, String model, List<ChatTurn> messages, Double temperature,
                                Integer maxTokens) {

    public CompletionRequest {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("a completion needs at least one message");
        }
        messages = List.copyOf(messages);
    }

    /** The usual shape of an agent's reply: its system prompt (when it has one), then the conversation. */
    public static CompletionRequest of(String provider, String model, String systemPrompt, List<ChatTurn> conversation,
                                       Double temperature, Integer maxTokens) {
        List<ChatTurn> turns = new java.util.ArrayList<>();
        if (systemPrompt != null && !systemPrompt.isBlank()) {
            turns.add(ChatTurn.system(systemPrompt));
        }
        turns.addAll(conversation);
        return new CompletionRequest(provider, model, turns, temperature, maxTokens);
    }
}
