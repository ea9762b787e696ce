-- The catalogue of model providers (OpenAI-compatible chat-completions endpoints) and their models.
-- Rows are seeded from configuration at start when absent (agentyard.chat.providers."<name>".*) and
-- changed afterwards through POST /api/providers/{provider}; see ProviderCatalogue for precedence.

CREATE TABLE providers (
    -- Used in model ids ("<provider>/<model>") and URLs: lower case, no slash.
    name        varchar(64)   PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]*$'),
    -- Base URL of the OpenAI-compatible API, e.g. http://ollama:11434/v1 (POST {base}/chat/completions).
    base_url    varchar(2000) NOT NULL CHECK (base_url ~ '^https?://'),
    -- Set through the API (write-only there); null means the configured key, if any, is used.
    api_key     text,
    enabled     boolean       NOT NULL DEFAULT true,
    created_at  timestamptz   NOT NULL DEFAULT now(),
    updated_at  timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE provider_models (
    id              uuid         PRIMARY KEY,
    provider        varchar(64)  NOT NULL REFERENCES providers (name) ON DELETE CASCADE,
    -- The name the provider knows it by (sent as "model"): may hold slashes and colons
    -- (meta-llama/Llama-3.1-8B-Instruct, llama3.1:8b).
    name            varchar(200) NOT NULL,
    display_name    varchar(200),
    context_window  integer      CHECK (context_window > 0),
    -- Order of the provider's list, as given.
    position        integer      NOT NULL,
    UNIQUE (provider, name)
);
