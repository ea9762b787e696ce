-- execution-service records every run of a work order: the execution (one per claim attempt), its
-- steps, and its logs. task_id, work_order_id, worker_id, owner_id, agent_id and workflow_id are
-- other services' ids: UUIDs without foreign keys, kept current by task-service's events.

CREATE TABLE executions (
    id              uuid          PRIMARY KEY,        -- the executionId task-service's claim returned
    task_id         uuid          NOT NULL,
    work_order_id   uuid          NOT NULL,
    attempt         integer       NOT NULL,
    worker_id       uuid          NOT NULL,           -- the only identity that may write to it
    owner_id        uuid          NOT NULL,           -- the task's creator: who may read it
    agent_id        uuid,
    workflow_id     uuid,
    status          varchar(20)   NOT NULL
                    CHECK (status IN ('pending', 'running', 'completed', 'failed', 'timeout', 'cancelled')),
    exit_code       integer,
    input_data      jsonb,
    output_data     jsonb,
    error_message   text,
    stdout_tail     text,
    stderr_tail     text,
    metrics         jsonb         NOT NULL DEFAULT '{}'::jsonb,
    metadata        jsonb         NOT NULL DEFAULT '{}'::jsonb,
    trace_id        varchar(32),                      -- W3C trace id of the claim
    created_at      timestamptz   NOT NULL DEFAULT now(),
    started_at      timestamptz,
    completed_at    timestamptz,
    duration_ms     bigint,
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    -- the last log sequence issued: an execution's logs are numbered 1..log_count with no gaps
    log_count       bigint        NOT NULL DEFAULT 0,
    step_count      integer       NOT NULL DEFAULT 0
) WITH (fillfactor = 90); -- every log batch bumps log_count: leave room for HOT updates

CREATE INDEX executions_task_idx ON executions (task_id, created_at DESC, id DESC);
CREATE INDEX executions_agent_idx ON executions (agent_id, created_at DESC, id DESC) WHERE agent_id IS NOT NULL;
CREATE INDEX executions_workflow_idx ON executions (workflow_id, created_at DESC, id DESC) WHERE workflow_id IS NOT NULL;
CREATE INDEX executions_worker_idx ON executions (worker_id, created_at DESC, id DESC);
CREATE INDEX executions_owner_idx ON executions (owner_id, created_at DESC, id DESC);
CREATE INDEX executions_created_idx ON executions (created_at DESC, id DESC);
CREATE INDEX executions_trace_idx ON executions (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX executions_open_idx ON executions (task_id) WHERE status IN ('pending', 'running');
CREATE INDEX executions_completed_idx ON executions (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE execution_steps (
    id              uuid          PRIMARY KEY,
    execution_id    uuid          NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    position        integer       NOT NULL,           -- 1, 2, ... in the order the worker started them
    name            varchar(200)  NOT NULL,
    step_type       varchar(20)   NOT NULL
                    CHECK (step_type IN ('tool', 'llm_call', 'decision', 'human_approval', 'code', 'subworkflow', 'other')),
    status          varchar(20)   NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    input_data      jsonb,
    output_data     jsonb,
    error_message   text,
    started_at      timestamptz   NOT NULL,
    completed_at    timestamptz,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    UNIQUE (execution_id, position)
);

-- Logs at volume, partitioned by day of arrival so retention drops whole partitions (no bulk
-- DELETE, no bloat). LogPartitions creates partitions ahead and detaches and drops old ones.
-- No foreign key: a partition is dropped whole, and its execution may outlive it.
CREATE TABLE execution_logs (
    execution_id    uuid          NOT NULL,
    seq             bigint        NOT NULL,
    level           varchar(10)   NOT NULL CHECK (level IN ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL')),
    message         text          NOT NULL,
    metadata        jsonb,
    logged_at       timestamptz   NOT NULL,           -- when the worker logged it
    stored_at       timestamptz   NOT NULL DEFAULT now()
) PARTITION BY RANGE (stored_at);
CREATE INDEX execution_logs_seq_idx ON execution_logs (execution_id, seq);

-- Idempotency keys of log batches: a batch retried with the same key is answered from here.
CREATE TABLE log_batches (
    execution_id    uuid          NOT NULL,
    batch_key       varchar(100)  NOT NULL,
    first_seq       bigint        NOT NULL,
    line_count      integer       NOT NULL,
    stored_at       timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (execution_id, batch_key)
);
CREATE INDEX log_batches_stored_idx ON log_batches (stored_at);
