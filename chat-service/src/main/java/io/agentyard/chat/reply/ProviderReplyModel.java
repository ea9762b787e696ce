package io.agentyard.chat.reply;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.chat.llm.ChatCompletions;
import io.agentyard.chat.llm.ChatTurn;
import io.agentyard.chat.llm.CompletionChunk;
import io.agentyard.chat.llm.CompletionRequest;
import io.agentyard.chat.llm.CompletionFailure;
import io.smallrye.mutiny.Multi;

/**
 * Agents' replies come from the catalogue's providers through {@link ChatCompletions} (this bean
 * replaces reply/'s default, unconfigured model). The agent's system prompt goes first, then the
 * conversation with agent messages as {@code assistant}; failures are the client's
 * {@link CompletionFailure} problems, unchanged.
 */
@ApplicationScoped
public class ProviderReplyModel implements ReplyModel {

    private final ChatCompletions completions;

    ProviderReplyModel(ChatCompletions completions) {
        this.completions = completions;
    }

    @Override
    public Multi<Delta> stream(Request request) {
        List<ChatTurn> turns = request.history().stream().map(ProviderReplyModel::turn).toList();
        return Multi.createFrom().deferred(() -> completions.stream(CompletionRequest.of(request.provider(),
                        request.model(), request.systemPrompt(), turns, request.temperature(), request.maxTokens())))
                .map(ProviderReplyModel::delta);
    }

    static ChatTurn turn(Turn turn) {
        ChatTurn.Role role = switch (turn.role()) {
            case user -> ChatTurn.Role.user;
            case agent -> ChatTurn.Role.assistant;
            case system -> ChatTurn.Role.system;
        };
        return new ChatTurn(role, turn.content() == null ? "" : turn.content());
    }

    /** Text as it comes; the last delta carries usage ({@code promptTokens, completionTokens, totalTokens}) and the finish reason. */
    static Delta delta(CompletionChunk chunk) {
        if (!chunk.last()) {
            return new Delta(chunk.content(), null, null);
        }
        Map<String, Object> usage = null;
        if (chunk.usage() != null) {
            usage = new LinkedHashMap<>();
            putIfSet(usage, "promptTokens", chunk.usage().promptTokens());
            putIfSet(usage, "completionTokens", chunk.usage().completionTokens());
            putIfSet(usage, "totalTokens", chunk.usage().totalTokens());
        }
        return new Delta("", usage, chunk.finishReason());
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
