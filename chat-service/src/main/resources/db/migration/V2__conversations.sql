-- Conversations, their messages and attachments, and the ordered stream of what happened in each
-- (followed live over SSE). Fields of the notes: AgentVine chat_messages / chat_attachments and
-- AgentDB9 conversations / messages, merged (README, chat-service: the merged message fields).
-- owner, agent, project, task: ids of other services' records, kept without foreign keys.

CREATE TABLE conversations (
    id               uuid         PRIMARY KEY,
    owner_id         uuid         NOT NULL,
    agent_id         uuid,
    project_id       uuid,
    task_id          uuid,
    title            varchar(255) NOT NULL,
    status           varchar(10)  NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    metadata         jsonb        NOT NULL DEFAULT '{}'::jsonb,
    -- the last sequence number of the conversation's stream (conversation_events.seq)
    last_seq         bigint       NOT NULL DEFAULT 0,
    last_message_at  timestamptz,
    archived_at      timestamptz,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX conversations_owner_idx ON conversations (owner_id, created_at DESC, id DESC);
CREATE INDEX conversations_created_idx ON conversations (created_at DESC, id DESC);
CREATE INDEX conversations_agent_idx ON conversations (agent_id, created_at DESC, id DESC) WHERE agent_id IS NOT NULL;
CREATE INDEX conversations_project_idx ON conversations (project_id) WHERE project_id IS NOT NULL;
-- a task has one conversation: the one its worker asks questions on
CREATE UNIQUE INDEX conversations_task_idx ON conversations (task_id) WHERE task_id IS NOT NULL;

CREATE TABLE chat_messages (
    id                 uuid         PRIMARY KEY,
    conversation_id    uuid         NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- position in the conversation (the stream sequence of its creation): messages are listed by it
    seq                bigint       NOT NULL,
    sender_type        varchar(10)  NOT NULL CHECK (sender_type IN ('user', 'worker', 'system', 'controller', 'agent')),
    sender_id          uuid,
    role               varchar(10)  NOT NULL CHECK (role IN ('user', 'agent', 'system')),
    content            text         NOT NULL,
    message_type       varchar(10)  NOT NULL DEFAULT 'text'
                           CHECK (message_type IN ('text', 'question', 'response', 'status', 'error')),
    state              varchar(10)  NOT NULL DEFAULT 'complete'
                           CHECK (state IN ('streaming', 'complete', 'stopped', 'failed')),
    -- the sequence of the last chunk appended while streaming (a repeated chunk is not applied twice)
    chunk_seq          integer      NOT NULL DEFAULT 0,
    metadata           jsonb        NOT NULL DEFAULT '{}'::jsonb,
    parent_message_id  uuid         REFERENCES chat_messages (id) ON DELETE SET NULL,
    -- a question: the response that answered it (the first one)
    answer_id          uuid,
    previous_content   text,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    edited_at          timestamptz,
    finished_at        timestamptz,
    UNIQUE (conversation_id, seq)
);
CREATE INDEX chat_messages_sender_idx ON chat_messages (sender_type, sender_id);
CREATE INDEX chat_messages_created_idx ON chat_messages (created_at);
CREATE INDEX chat_messages_parent_idx ON chat_messages (parent_message_id) WHERE parent_message_id IS NOT NULL;

CREATE TABLE chat_attachments (
    id               uuid         PRIMARY KEY,
    message_id       uuid         NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
    file_name        varchar(255) NOT NULL,
    -- the storage's own generated key, never a name the client chose
    file_path        varchar(500) NOT NULL,
    file_type        varchar(100) NOT NULL,
    file_size_bytes  bigint       NOT NULL,
    sha256           varchar(64)  NOT NULL,
    metadata         jsonb        NOT NULL DEFAULT '{}'::jsonb,
    created_at       timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX chat_attachments_message_idx ON chat_attachments (message_id);

-- What happened in a conversation, in order: followers of its SSE stream read from here, and
-- resume after the last sequence they saw (Last-Event-ID). Pruned after a retention period.
CREATE TABLE conversation_events (
    conversation_id  uuid         NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq              bigint       NOT NULL,
    kind             varchar(20)  NOT NULL,
    data             jsonb        NOT NULL,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, seq)
);
CREATE INDEX conversation_events_created_idx ON conversation_events (created_at);
