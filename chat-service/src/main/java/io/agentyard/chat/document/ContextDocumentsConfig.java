package io.agentyard.chat.document;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of context documents ({@code agentyard.chat.documents.*}). */
@ConfigMapping(prefix = "agentyard.chat.documents")
public interface ContextDocumentsConfig {

    /**
     * Most bytes (UTF-8) a document's content may have (413 beyond). 512 KiB keeps the generated
     * search vector below PostgreSQL's 1 MB tsvector limit (the worst text tried, 120,000 distinct
     * short words, needs about 0.93 MB; a text that still exceeds it is a 413 too), and leaves room
     * in the request body limit.
     */
    @WithDefault("524288")
    int maxContentBytes();

    /** Most distinct tags a document may carry. */
    @WithDefault("32")
    int maxTags();
}
