package io.agentyard.chat.provider;

import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Request and response bodies of /api/providers. No response ever carries a key. */
public final class ProviderDtos {

    static final int MAX_MODELS = 500;

    private ProviderDtos() {
    }

    /**
     * Creates a provider or changes one; absent (null) fields are left as they are. {@code baseUrl}
     * is required to create. {@code apiKey} is write-only: a value sets it, an empty string clears
     * it (the configured key, if any, applies again). {@code models}, when present, replaces the list.
     */
    public record ProviderUpdate(
            @Size(max = ProviderNames.BASE_URL_MAX) @Pattern(regexp = ProviderNames.BASE_URL,
                    message = ProviderNames.BASE_URL_RULE) String baseUrl,
            Boolean enabled,
            @Size(max = 4096) @Pattern(regexp = "^\\s*\\S*\\s*$", message = "must not contain whitespace") String apiKey,
            @Size(max = MAX_MODELS) List<@Valid @NotNull ModelSpec> models) {

        @Override
        public String toString() {
            return "ProviderUpdate[baseUrl=" + baseUrl + ", enabled=" + enabled + ", apiKey="
                    + (apiKey == null ? "(unchanged)" : apiKey.isBlank() ? "(cleared)" : "(set)") + ", models=" + models + "]";
        }
    }

    /** A model of a provider: its name as the provider knows it, and optionally how to show it and its context size. */
    public record ModelSpec(
            @NotBlank @Size(max = 200) @Pattern(regexp = "^\\S+$", message = "must not contain whitespace") String name,
            @Size(max = 200) String displayName,
            @Positive Integer contextWindow) {
    }

    /**
     * A provider as anyone may see it.
     *
     * @param apiKeyConfigured whether calls send a key
     * @param apiKeySource     where that key comes from: {@code catalogue} (set through this API) or
     *                         {@code configuration} (the environment); absent when there is none
     */
    public record ProviderResponse(String name, String baseUrl, boolean enabled, boolean apiKeyConfigured,
                                   String apiKeySource, List<ModelDtos.ModelResponse> models, Instant createdAt,
                                   Instant updatedAt) {
    }
}
