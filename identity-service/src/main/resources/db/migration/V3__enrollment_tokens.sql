-- One-time enrollment tokens: an admin creates one for a new worker machine, which trades it once
-- (POST /api/auth/enroll) for its own worker client, without ever holding admin credentials.
-- Only the token's SHA-256 (hex) is stored; the token itself is shown once, when it is created.
CREATE TABLE enrollment_tokens (
    id              uuid        PRIMARY KEY,
    name            text,                                   -- a label, e.g. the machine it is for
    token_hash      char(64)    NOT NULL UNIQUE,
    created_by      uuid        NOT NULL,                   -- the admin who created it (users.id)
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz,
    used_client_id  uuid        REFERENCES service_clients (id), -- the worker client the enrollment created
    revoked_at      timestamptz,
    CHECK (used_at IS NULL OR revoked_at IS NULL)
);
CREATE INDEX enrollment_tokens_created_idx ON enrollment_tokens (created_at DESC, id);
