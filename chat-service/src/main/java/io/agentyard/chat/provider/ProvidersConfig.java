package io.agentyard.chat.provider;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * Providers named in configuration ({@code agentyard.chat.providers."<name>".*}): they seed the
 * catalogue and hold keys from the environment (a Kubernetes Secret). See {@link ProviderCatalogue}
 * for what wins when configuration and the catalogue table differ.
 */
@ConfigMapping(prefix = "agentyard.chat.providers")
public interface ProvidersConfig {

    @WithParentName
    Map<String, Seed> seeds();

    interface Seed {
        /** OpenAI-compatible base URL, e.g. {@code http://ollama:11434/v1}; without it the provider is not seeded. */
        Optional<String> baseUrl();

        /**
         * The key sent as a bearer token when the catalogue holds none for this provider, e.g.
         * {@code ${OLLAMA_API_KEY:}} (an empty value counts as none). Never written to the catalogue.
         */
        Optional<String> apiKey();

        @WithDefault("true")
        boolean enabled();

        /** Model names the seeded provider offers (comma-separated), as the provider names them. */
        Optional<List<String>> models();
    }
}
