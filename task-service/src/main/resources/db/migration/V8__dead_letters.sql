-- Dead letters made operable (issue 11): people list, inspect, redrive and purge dead work orders
-- (failed or expired for good, their task failed), and every redrive and purge is on record.

-- One row per order redriven or purged, written in the transaction that did it. No foreign keys: a
-- purged order is gone but its record stays; task_id is how a developer's reads are scoped.
CREATE TABLE dead_letter_actions (
    id             uuid         PRIMARY KEY,
    action         varchar(20)  NOT NULL CHECK (action IN ('redrive', 'purge')),
    work_order_id  uuid         NOT NULL,
    task_id        uuid         NOT NULL,
    queue_name     varchar(50)  NOT NULL,
    actor_id       uuid         NOT NULL,
    acted_at       timestamptz  NOT NULL,
    -- the order as it was when acted on: status, error, retries, attempt, dead since
    detail         jsonb        NOT NULL DEFAULT '{}'::jsonb
);
-- Lists are newest first, by (acted_at, id), filtered by order or by actor.
CREATE INDEX dead_letter_actions_acted_idx ON dead_letter_actions (acted_at DESC, id DESC);
CREATE INDEX dead_letter_actions_order_idx ON dead_letter_actions (work_order_id, acted_at DESC, id DESC);
CREATE INDEX dead_letter_actions_actor_idx ON dead_letter_actions (actor_id, acted_at DESC, id DESC);
CREATE INDEX dead_letter_actions_task_idx ON dead_letter_actions (task_id);

-- Dead orders newest first, as the list and its cursor read them. Partial: only dead rows have an
-- entry, so claims and completions never write to it (status already changes on both).
CREATE INDEX work_orders_dead_idx ON work_orders (completed_at DESC, id DESC) WHERE status IN ('failed', 'expired');
