package io.agentyard.chat.llm;

/**
 * One item of a streamed completion. Every item but the last is a piece of the reply's text
 * ({@code content}, never empty, in order). The last item ({@code last} true, {@code content}
 * empty) carries how the generation ended and the token counts, each null when the provider did
 * not say; exactly one last item is emitted, then the stream completes.
 *
 * @param content      the text this item adds to the reply; empty on the last item
 * @param last         whether this is the final item
 * @param finishReason the provider's {@code finish_reason} ({@code stop}, {@code length}, ...), last item only
 * @param usage        token counts of the final usage chunk, last item only, null when not sent
 */
public record CompletionChunk(String content, boolean last, String finishReason, Usage usage) {

    /** Tokens counted by the provider. Either may be null when the provider left it out. */
    public record Usage(Integer promptTokens, Integer completionTokens) {

        public Integer totalTokens() {
            return promptTokens == null || completionTokens == null ? null : promptTokens + completionTokens;
        }
    }

    public static CompletionChunk delta(String content) {
        return new CompletionChunk(content, false, null, null);
    }

    public static CompletionChunk end(String finishReason, Usage usage) {
        return new CompletionChunk("", true, finishReason, usage);
    }
}
