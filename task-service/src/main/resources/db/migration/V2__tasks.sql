-- task-service owns projects, tasks and their dependencies, and the work-order queue.
-- owner_id / created_by reference identity-service users and assigned_to / claimed_by
-- agent-service workers: UUIDs without foreign keys.

CREATE TABLE projects (
    id              uuid          PRIMARY KEY,
    owner_id        uuid          NOT NULL,
    name            varchar(100)  NOT NULL,
    description     text,
    repository_url  varchar(500),
    local_path      varchar(1000),
    framework       varchar(100),
    language        varchar(50),
    status          varchar(20)   NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived', 'deleted')),
    agents          uuid[]        NOT NULL DEFAULT '{}',
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_at      timestamptz   NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX projects_owner_name_key ON projects (owner_id, lower(name)) WHERE status <> 'deleted';

CREATE TABLE tasks (
    id                uuid          PRIMARY KEY,
    title             varchar(255)  NOT NULL,
    description       text,
    task_type         varchar(20)   NOT NULL
                      CHECK (task_type IN ('feature', 'bugfix', 'test', 'docs', 'refactor', 'review')),
    permission_level  varchar(20)   NOT NULL
                      CHECK (permission_level IN ('autonomous', 'supervised', 'human_required')),
    priority          varchar(10)   NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'critical')),
    -- sorts by priority: low 0 ... critical 3
    priority_rank     smallint      GENERATED ALWAYS AS (CASE priority WHEN 'critical' THEN 3 WHEN 'high' THEN 2
                                                         WHEN 'normal' THEN 1 ELSE 0 END) STORED,
    status            varchar(20)   NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'queued', 'in_progress', 'blocked', 'completed', 'failed', 'cancelled')),
    repository_url    varchar(500),
    branch_name       varchar(255),
    issue_number      integer,
    pr_number         integer,
    context           jsonb         NOT NULL DEFAULT '{}'::jsonb,
    metadata          jsonb         NOT NULL DEFAULT '{}'::jsonb,
    created_by        uuid          NOT NULL,
    assigned_to       uuid,
    parent_task_id    uuid          REFERENCES tasks (id) ON DELETE CASCADE,
    project_id        uuid          REFERENCES projects (id) ON DELETE SET NULL,
    approved_by       uuid,
    approved_at       timestamptz,
    review_comment    text,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    started_at        timestamptz,
    completed_at      timestamptz
);
CREATE INDEX tasks_status_idx ON tasks (status);
CREATE INDEX tasks_type_idx ON tasks (task_type);
CREATE INDEX tasks_priority_idx ON tasks (priority);
CREATE INDEX tasks_created_by_idx ON tasks (created_by);
CREATE INDEX tasks_assigned_to_idx ON tasks (assigned_to);
CREATE INDEX tasks_parent_idx ON tasks (parent_task_id);
CREATE INDEX tasks_project_idx ON tasks (project_id);

-- task_id depends on depends_on_task_id; a 'blocks' edge holds task_id back until the other completes.
CREATE TABLE task_dependencies (
    id                  uuid         PRIMARY KEY,
    task_id             uuid         NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    depends_on_task_id  uuid         NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    dependency_type     varchar(20)  NOT NULL DEFAULT 'blocks' CHECK (dependency_type IN ('blocks', 'related', 'duplicate')),
    created_at          timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (task_id, depends_on_task_id),
    CHECK (task_id <> depends_on_task_id)
);
CREATE INDEX task_dependencies_depends_on_idx ON task_dependencies (depends_on_task_id);

CREATE TABLE work_orders (
    id               uuid          PRIMARY KEY,
    task_id          uuid          NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    queue_name       varchar(50)   NOT NULL,
    status           varchar(20)   NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'claimed', 'completed', 'failed', 'expired')),
    priority         smallint      NOT NULL DEFAULT 1,
    payload          jsonb         NOT NULL,
    result           jsonb,
    error_message    text,
    exit_code        integer,
    stdout           text,
    stderr           text,
    metrics          jsonb,
    retry_count      integer       NOT NULL DEFAULT 0,
    max_retries      integer       NOT NULL DEFAULT 3,
    timeout_seconds  integer       NOT NULL DEFAULT 3600,
    enqueued_at      timestamptz   NOT NULL DEFAULT now(),
    available_at     timestamptz   NOT NULL DEFAULT now(),
    claimed_at       timestamptz,
    completed_at     timestamptz,
    expires_at       timestamptz,
    claimed_by       uuid,
    execution_id     uuid
);
-- The claim scans only pending orders, highest priority then oldest first.
CREATE INDEX work_orders_ready_idx ON work_orders (queue_name, priority DESC, available_at, enqueued_at)
    WHERE status = 'pending';
CREATE INDEX work_orders_leases_idx ON work_orders (expires_at) WHERE status = 'claimed';
CREATE INDEX work_orders_holder_idx ON work_orders (claimed_by) WHERE status = 'claimed';
CREATE INDEX work_orders_task_idx ON work_orders (task_id);

CREATE TABLE worker_assignments (
    id             uuid         PRIMARY KEY,
    worker_id      uuid         NOT NULL,
    work_order_id  uuid         NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    execution_id   uuid         NOT NULL,
    status         varchar(20)  NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'failed', 'timeout')),
    assigned_at    timestamptz  NOT NULL DEFAULT now(),
    completed_at   timestamptz,
    UNIQUE (execution_id)
);
CREATE INDEX worker_assignments_worker_idx ON worker_assignments (worker_id);
CREATE INDEX worker_assignments_order_idx ON worker_assignments (work_order_id);

-- What task-service knows of agent-service's workers, kept current by worker.* events.
CREATE TABLE workers (
    id                    uuid         PRIMARY KEY,
    worker_type           varchar(20)  NOT NULL,
    max_concurrent_tasks  integer      NOT NULL,
    status                varchar(20)  NOT NULL,
    updated_at            timestamptz  NOT NULL DEFAULT now()
);
