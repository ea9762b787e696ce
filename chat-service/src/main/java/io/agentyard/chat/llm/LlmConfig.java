package io.agentyard.chat.llm;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the chat-completions client ({@code agentyard.chat.llm.*}): how long it waits for a
 * provider at each stage. A provider that does not connect, send its first token or keep sending in
 * these times fails the call; a hung provider never hangs a request.
 */
@ConfigMapping(prefix = "agentyard.chat.llm")
public interface LlmConfig {

    /** Opening the TCP (and TLS) connection to the provider. */
    @WithDefault("PT5S")
    Duration connectTimeout();

    /**
     * From sending the request to the first token (or the finish): covers queueing, loading the
     * model and the prompt's processing, so it is generous.
     */
    @WithDefault("PT60S")
    Duration firstTokenTimeout();

    /**
     * After the first token, the longest silence (no bytes at all) between two parts of the stream.
     * Not counted while the subscriber has asked for nothing (a slow reader is not a stalled provider).
     */
    @WithDefault("PT30S")
    Duration idleTimeout();

    /** The Retry-After of a 503 when a provider is unreachable (or rate limits without saying how long). */
    @WithDefault("PT10S")
    Duration retryAfter();

    /** Connections kept per provider host; each reply being generated holds one for its whole stream. */
    @WithDefault("100")
    int maxConnectionsPerHost();

    /** Ask for the final usage chunk ({@code stream_options.include_usage}); off for providers that refuse it. */
    @WithDefault("true")
    boolean includeUsage();

    /** The tiny completion of {@code POST /api/models/test}. */
    Probe probe();

    interface Probe {
        @WithDefault("Reply with the single word OK.")
        String prompt();

        @WithDefault("8")
        int maxTokens();
    }
}
