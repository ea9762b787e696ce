package io.agentyard.chat.reply;

import java.util.List;
import java.util.Map;

import io.agentyard.chat.message.MessageRole;
import io.agentyard.shared.problem.ProblemException;
import io.smallrye.mutiny.Multi;

/** The model an agent's reply comes from: its words as they are generated; cancelling stops the generation. */
public interface ReplyModel {

    /** One earlier message as the model sees it. */
    record Turn(MessageRole role, String content) {
    }

    /** What the agent's configuration names, and the conversation so far (oldest first). */
    record Request(String provider, String model, Double temperature, Integer maxTokens, String systemPrompt,
                   List<Turn> history) {

        Request withHistory(List<Turn> turns) {
            return new Request(provider, model, temperature, maxTokens, systemPrompt, turns);
        }
    }

    /** Words generated; the last delta may carry the usage (token counts) and why generation finished. */
    record Delta(String text, Map<String, Object> usage, String finishReason) {
    }

    Multi<Delta> stream(Request request);

    /** The problem a failed generation answers with (the model client's own problems as they are). */
    static ProblemException problem(Throwable failure) {
        if (failure instanceof ProblemException problem) {
            return problem;
        }
        return new ProblemException(502, "provider-failed", "Provider failed",
                "the model provider failed: " + failure.getClass().getSimpleName());
    }
}
