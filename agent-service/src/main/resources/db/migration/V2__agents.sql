-- agent-service owns agents, workflow definitions (versioned), the tool registry and workers.
-- owner_id / created_by reference identity-service users: UUIDs without foreign keys.

CREATE TABLE agents (
    id             uuid         PRIMARY KEY,
    owner_id       uuid         NOT NULL,
    name           varchar(100) NOT NULL,
    description    text,
    category       varchar(20)  NOT NULL
                   CHECK (category IN ('analysis', 'documentation', 'testing', 'review', 'deployment')),
    agent_type     varchar(20)  NOT NULL CHECK (agent_type IN ('automation', 'assistive')),
    status         varchar(20)  NOT NULL DEFAULT 'created'
                   CHECK (status IN ('created', 'idle', 'thinking', 'coding', 'testing', 'running',
                                     'stopped', 'error', 'offline')),
    configuration  jsonb        NOT NULL DEFAULT '{}'::jsonb,
    capabilities   text[]       NOT NULL DEFAULT '{}',
    is_active      boolean      NOT NULL DEFAULT true,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX agents_owner_name_key ON agents (owner_id, lower(name));
CREATE INDEX agents_category_idx ON agents (category);
CREATE INDEX agents_status_idx ON agents (status);

CREATE TABLE workflows (
    id               uuid         PRIMARY KEY,
    owner_id         uuid         NOT NULL,
    name             varchar(100) NOT NULL,
    description      text,
    is_active        boolean      NOT NULL DEFAULT true,
    current_version  integer      NOT NULL,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX workflows_owner_name_key ON workflows (owner_id, lower(name));

-- Every definition a workflow ever had; updating a workflow adds a version.
CREATE TABLE workflow_versions (
    id           uuid        PRIMARY KEY,
    workflow_id  uuid        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    version      integer     NOT NULL,
    definition   jsonb       NOT NULL,
    created_by   uuid        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workflow_id, version)
);

CREATE TABLE tools (
    id             uuid         PRIMARY KEY,
    name           varchar(100) NOT NULL,
    description    text,
    tool_type      varchar(20)  NOT NULL CHECK (tool_type IN ('api', 'database', 'file', 'custom')),
    configuration  jsonb        NOT NULL DEFAULT '{}'::jsonb,
    is_active      boolean      NOT NULL DEFAULT true,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tools_name_key ON tools (lower(name));

CREATE TABLE workers (
    id                    uuid         PRIMARY KEY,
    name                  varchar(100) NOT NULL,
    worker_type           varchar(20)  NOT NULL
                          CHECK (worker_type IN ('feature', 'bugfix', 'test', 'docs', 'refactor', 'review')),
    status                varchar(20)  NOT NULL DEFAULT 'offline'
                          CHECK (status IN ('idle', 'busy', 'offline', 'error')),
    version               varchar(50),
    max_concurrent_tasks  integer      NOT NULL DEFAULT 1 CHECK (max_concurrent_tasks > 0),
    timeout_seconds       integer      NOT NULL DEFAULT 3600 CHECK (timeout_seconds > 0),
    context_window_size   integer      NOT NULL DEFAULT 200000 CHECK (context_window_size > 0),
    config                jsonb        NOT NULL DEFAULT '{}'::jsonb,
    current_load          integer      NOT NULL DEFAULT 0 CHECK (current_load >= 0),
    last_heartbeat_at     timestamptz,
    created_by            uuid,
    created_at            timestamptz  NOT NULL DEFAULT now(),
    updated_at            timestamptz  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX workers_name_key ON workers (lower(name));
CREATE INDEX workers_type_status_idx ON workers (worker_type, status);
CREATE INDEX workers_heartbeat_idx ON workers (last_heartbeat_at) WHERE status <> 'offline';

CREATE TABLE worker_capabilities (
    id                uuid         PRIMARY KEY,
    worker_id         uuid         NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    capability_name   varchar(100) NOT NULL,
    capability_level  varchar(20)  NOT NULL DEFAULT 'intermediate'
                      CHECK (capability_level IN ('beginner', 'intermediate', 'advanced', 'expert')),
    metadata          jsonb        NOT NULL DEFAULT '{}'::jsonb,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (worker_id, capability_name)
);
CREATE INDEX worker_capabilities_name_idx ON worker_capabilities (capability_name);
