package io.agentyard.chat.llm;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The OpenAI chat-completions wire format, as Ollama, vLLM and hosted providers speak it: the
 * request body, the streamed chunks and the error bodies. Pure functions, no I/O.
 */
final class OpenAiProtocol {

    static final String DONE = "[DONE]";

    /** Longest provider error message passed on (in problems and stored conversation errors). */
    static final int MAX_MESSAGE_CHARS = 500;

    private OpenAiProtocol() {
    }

    static Buffer requestBody(CompletionRequest request, boolean stream, boolean includeUsage) {
        JsonArray messages = new JsonArray();
        for (ChatTurn turn : request.messages()) {
            messages.add(new JsonObject().put("role", turn.role().name()).put("content", turn.content()));
        }
        JsonObject body = new JsonObject().put("model", request.model()).put("messages", messages).put("stream", stream);
        if (stream && includeUsage) {
            body.put("stream_options", new JsonObject().put("include_usage", true));
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.maxTokens() != null) {
            body.put("max_tokens", request.maxTokens());
        }
        return body.toBuffer();
    }

    /** What one streamed chunk (or a whole non-streamed answer) says. Any part may be null. */
    record Chunk(String content, String finishReason, CompletionChunk.Usage usage, String error) {
    }

    /**
     * Reads a chunk {@code {"choices":[{"delta":{"content":"..."},"finish_reason":null}], "usage":...}};
     * with {@code whole}, a non-streamed answer ({@code choices[0].message.content}).
     *
     * @throws DecodeException when it is not a JSON object
     */
    static Chunk chunk(String data, boolean whole) {
        JsonObject json = new JsonObject(data);
        Object error = json.getValue("error");
        if (error != null) {
            return new Chunk(null, null, null, errorMessage(json));
        }
        String content = null;
        String finishReason = null;
        if (json.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()
                && choices.getValue(0) instanceof JsonObject choice) {
            if (choice.getValue(whole ? "message" : "delta") instanceof JsonObject delta
                    && delta.getValue("content") instanceof String text) {
                content = text;
            }
            if (choice.getValue("finish_reason") instanceof String reason) {
                finishReason = reason;
            }
        }
        CompletionChunk.Usage usage = null;
        if (json.getValue("usage") instanceof JsonObject counts) {
            usage = new CompletionChunk.Usage(integer(counts, "prompt_tokens"), integer(counts, "completion_tokens"));
        }
        return new Chunk(content, finishReason, usage, null);
    }

    /**
     * The provider's explanation in an error body: OpenAI's {@code {"error":{"message":...}}}, a plain
     * {@code {"error":"..."}} (Ollama), vLLM's {@code {"message":...}}, FastAPI's {@code {"detail":...}};
     * null when the body is none of these (an HTML page, nothing).
     */
    static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return errorMessage(new JsonObject(body));
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    private static String errorMessage(JsonObject json) {
        Object error = json.getValue("error");
        if (error instanceof JsonObject object && object.getValue("message") instanceof String message) {
            return message;
        }
        if (error instanceof String message) {
            return message;
        }
        if (json.getValue("message") instanceof String message) {
            return message;
        }
        if (json.getValue("detail") instanceof String message) {
            return message;
        }
        return null;
    }

    /**
     * A provider's message made safe to pass on: the API key blanked out wherever it appears (some
     * providers echo what they were given), control characters removed, at most
     * {@value #MAX_MESSAGE_CHARS} characters.
     */
    static String safe(String message, String apiKey) {
        if (message == null) {
            return null;
        }
        String text = message;
        if (apiKey != null && !apiKey.isEmpty()) {
            text = text.replace(apiKey, "***");
        }
        text = text.replaceAll("\\p{Cntrl}+", " ").strip();
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "…";
    }

    private static Integer integer(JsonObject json, String field) {
        return json.getValue(field) instanceof Number number ? number.intValue() : null;
    }
}
