package io.agentyard.chat.provider;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Request and response bodies of /api/models. */
public final class ModelDtos {

    private ModelDtos() {
    }

    /**
     * A model of the catalogue.
     *
     * @param id            {@code <provider>/<model>}, e.g. {@code ollama/llama3.1} (the model part may hold slashes)
     * @param provider      the provider's name, as agent configurations name it ({@code llmProvider})
     * @param model         the model's name as the provider knows it (an agent configuration's {@code model})
     * @param displayName   how to show it, when set
     * @param contextWindow its context size in tokens, when set
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelResponse(String id, String provider, String model, String displayName, Integer contextWindow) {

        static ModelResponse from(ProviderModel model) {
            return new ModelResponse(model.provider + "/" + model.name, model.provider, model.name, model.displayName,
                    model.contextWindow);
        }
    }

    /** Which model to try. */
    public record ModelTest(@NotBlank @Size(max = 64) String provider, @NotBlank @Size(max = 200) String model) {
    }
}
