package io.agentyard.chat.config;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of chat-service's conversations ({@code agentyard.chat.*}); README lists their variables. */
@ConfigMapping(prefix = "agentyard.chat")
public interface ChatServiceConfig {

    Messages messages();

    Stream stream();

    Attachments attachments();

    Replies replies();

    interface Messages {
        /** Longest content a message may have, in characters (streamed replies included). */
        @WithDefault("200000")
        int maxChars();

        /** Messages {@code GET /api/conversations/{id}} includes (the latest). */
        @WithDefault("50")
        int latest();
    }

    interface Stream {
        /** How often a follower's stream looks for new events when no wake-up came (wake-ups are hints). */
        @WithDefault("PT2S")
        Duration poll();

        /** Most events one read takes. */
        @WithDefault("500")
        int readChunk();

        /** How long stream events are kept for followers that resume; messages themselves stay. */
        @WithDefault("P7D")
        Duration retention();

        @WithDefault("PT1H")
        Duration pruneInterval();
    }

    interface Attachments {
        /** Where files are kept (a volume in Kubernetes). */
        @WithDefault("data/attachments")
        String directory();

        /** Largest file accepted (413 beyond). */
        @WithDefault("10485760")
        long maxBytes();

        /** Content types accepted (415 otherwise); a trailing {@code /*} admits a family. */
        @WithDefault("text/*,image/png,image/jpeg,image/gif,image/webp,application/pdf,application/json,application/zip,application/x-yaml,application/xml")
        List<String> allowedTypes();
    }

    interface Replies {
        /** Earlier messages of the conversation sent to the model with a new question. */
        @WithDefault("40")
        int historyMessages();

        /** How often a streaming reply's text is written and sent to followers (tokens are grouped). */
        @WithDefault("PT0.1S")
        Duration flushInterval();

        /**
         * Longest a reply may take: one still streaming after this (its replica died) is ended
         * {@code failed} by a sweep.
         */
        @WithDefault("PT30M")
        Duration abandonedAfter();

        /** How often the sweep runs. */
        @WithDefault("PT5M")
        Duration sweepInterval();

        /** How long the agent's configuration is remembered. */
        @WithDefault("PT30S")
        Duration agentCacheTtl();
    }
}
