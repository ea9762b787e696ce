package io.agentyard.chat.provider;

/**
 * Where and how to call a catalogue provider for one model, as {@link ProviderCatalogue#endpoint}
 * finds it. {@link #toString()} never shows the key.
 *
 * @param name         the provider's name
 * @param baseUrl      its OpenAI-compatible base URL, without a trailing slash
 * @param apiKey       the key to send as a bearer token; null when none is set
 * @param enabled      whether the provider is enabled
 * @param modelListed  whether the model asked about is one of the provider's catalogued models
 */
public record ProviderEndpoint(String name, String baseUrl, String apiKey, boolean enabled, boolean modelListed) {

    /** {@code POST} here for a completion. */
    public String completionsUrl() {
        return baseUrl + "/chat/completions";
    }

    public boolean hasKey() {
        return apiKey != null && !apiKey.isEmpty();
    }

    @Override
    public String toString() {
        return "ProviderEndpoint[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=" + (hasKey() ? "(set)" : "(none)")
                + ", enabled=" + enabled + ", modelListed=" + modelListed + "]";
    }
}
