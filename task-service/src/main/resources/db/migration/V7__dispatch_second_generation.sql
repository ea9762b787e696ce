-- Dispatch, second generation (issue 11): fencing tokens, leases people can set, cancelled orders,
-- each attempt's error, and a write set with fewer indexes.

-- The fencing token: how many times the order has been claimed. Every claim takes the next one (it
-- never goes back, not even when a dead order is redriven), and heartbeat, complete and fail must
-- present it: a holder whose lease ended is refused even when it holds a newer lease of the order.
ALTER TABLE work_orders ADD COLUMN attempt integer NOT NULL DEFAULT 0;
UPDATE work_orders o SET attempt = a.last
FROM (SELECT work_order_id, max(attempt) AS last FROM worker_assignments GROUP BY work_order_id) a
WHERE a.work_order_id = o.id;

-- How long one attempt may run: the task's timeout when it has one (NULL: the worker's, else
-- task-service's default, chosen at the claim). deadline_at is when the running attempt's time is
-- up; its lease (expires_at) is renewed by heartbeats, a lease interval at a time, never past it.
ALTER TABLE tasks ADD COLUMN timeout_seconds integer CHECK (timeout_seconds BETWEEN 1 AND 604800);
ALTER TABLE workers ADD COLUMN timeout_seconds integer CHECK (timeout_seconds > 0);
ALTER TABLE work_orders ADD COLUMN deadline_at timestamptz;
UPDATE work_orders SET deadline_at = claimed_at + timeout_seconds * interval '1 second' WHERE status = 'claimed';
ALTER TABLE work_orders ALTER COLUMN timeout_seconds DROP NOT NULL, ALTER COLUMN timeout_seconds DROP DEFAULT;
-- no task could set one before: what orders hold is the old default
UPDATE work_orders SET timeout_seconds = NULL;

-- A cancelled task's order ends 'cancelled' (it was 'failed' with this error): not dead, not retried.
ALTER TABLE work_orders DROP CONSTRAINT work_orders_status_check;
ALTER TABLE work_orders ADD CONSTRAINT work_orders_status_check
    CHECK (status IN ('pending', 'claimed', 'completed', 'failed', 'expired', 'cancelled'));
UPDATE work_orders SET status = 'cancelled' WHERE status = 'failed' AND error_message = 'task cancelled';

-- Each attempt's own outcome: why it failed (the order keeps only the last error).
ALTER TABLE worker_assignments ADD COLUMN error text;
ALTER TABLE worker_assignments DROP CONSTRAINT worker_assignments_status_check;
ALTER TABLE worker_assignments ADD CONSTRAINT worker_assignments_status_check
    CHECK (status IN ('active', 'completed', 'failed', 'timeout', 'cancelled'));

-- The events of an order carry its fencing token.
CREATE OR REPLACE FUNCTION work_order_changed(o task.work_orders) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('workOrderId', o.id, 'taskId', o.task_id, 'queue', o.queue_name, 'status', o.status,
                              'attempt', o.attempt, 'workerId', o.claimed_by, 'executionId', o.execution_id,
                              'leaseExpiresAt', task.iso_instant(o.expires_at), 'error', o.error_message,
                              'ownerId', o.payload -> 'createdBy', 'agentId', o.payload -> 'agentId',
                              'workflowId', o.payload -> 'workflowId',
                              'input', CASE WHEN o.status = 'claimed' THEN o.payload -> 'input' END,
                              'exitCode', CASE WHEN o.status = 'completed' THEN o.exit_code END,
                              'result', CASE WHEN o.status = 'completed' THEN o.result END,
                              'stdoutTail', CASE WHEN o.status = 'completed' THEN right(o.stdout, 4096) END,
                              'stderrTail', CASE WHEN o.status = 'completed' THEN right(o.stderr, 4096) END,
                              'metrics', CASE WHEN o.status = 'completed' THEN o.metrics END)
$$;

-- A claim locks its workers' rows in a statement of its own, before it counts their free slots
-- (WorkOrderQueue.LOCK_WORKERS): lock_free_slots is no longer called.
DROP FUNCTION lock_free_slots(uuid);

-- Indexes that no query needs cost every claim and completion a write: list filters by type and
-- priority run within an owner's tasks (tasks_created_by_idx). Room on each page lets updates that
-- change no indexed column stay on the page (HOT).
DROP INDEX tasks_type_idx;
DROP INDEX tasks_priority_idx;
ALTER TABLE tasks SET (fillfactor = 85);
ALTER TABLE work_orders SET (fillfactor = 85);
