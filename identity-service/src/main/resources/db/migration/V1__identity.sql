-- identity-service owns people, their sessions, login attempts and machine identities.

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    username        varchar(50)  NOT NULL,
    email           varchar(255) NOT NULL,
    password_hash   varchar(100) NOT NULL,
    full_name       varchar(255),
    role            varchar(20)  NOT NULL CHECK (role IN ('admin', 'developer', 'viewer')),
    is_active       boolean      NOT NULL DEFAULT true,
    is_verified     boolean      NOT NULL DEFAULT false,
    settings        jsonb        NOT NULL DEFAULT '{}'::jsonb,
    last_login_at   timestamptz,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now()
);
-- Usernames and emails are unique regardless of case.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_role_idx ON users (role);

-- Refresh tokens are opaque; only their SHA-256 is stored. A login starts a family; each use
-- rotates the token within its family, and reuse of a rotated token revokes the whole family.
CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   uuid        NOT NULL,
    token_hash  char(64)    NOT NULL UNIQUE,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz,
    ip_address  varchar(64),
    user_agent  varchar(255)
);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL;
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

-- Every login and client-credentials attempt, for throttling and audit. account_key is the user's
-- id when the account exists, else what was typed, so both spellings of one account count together.
CREATE TABLE login_attempts (
    id            bigserial PRIMARY KEY,
    account_key   varchar(255) NOT NULL,
    ip_address    varchar(64)  NOT NULL,
    succeeded     boolean      NOT NULL,
    attempted_at  timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_account_idx ON login_attempts (account_key, attempted_at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip_address, attempted_at) WHERE NOT succeeded;

-- Machine identities (workers and services) using the client-credentials grant.
CREATE TABLE service_clients (
    id            uuid PRIMARY KEY,
    name          varchar(100) NOT NULL,
    role          varchar(20)  NOT NULL CHECK (role IN ('worker', 'service')),
    subject       varchar(255),
    secret_hash   char(64)     NOT NULL,
    is_active     boolean      NOT NULL DEFAULT true,
    created_by    uuid,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    last_used_at  timestamptz
);
CREATE UNIQUE INDEX service_clients_name_key ON service_clients (lower(name));
