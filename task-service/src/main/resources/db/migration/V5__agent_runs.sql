-- Runs of agents and workflows. A task may be filed for an agent and/or a workflow of
-- agent-service (their ids: no foreign keys) with an input JSON object. The work order's payload
-- carries them with the task's owner (createdBy), and every work_order.* event carries them on to
-- execution-service.

ALTER TABLE tasks
    ADD COLUMN agent_id    uuid,
    ADD COLUMN workflow_id uuid,
    ADD COLUMN input       jsonb CHECK (input IS NULL OR jsonb_typeof(input) = 'object');
-- GET /api/tasks?agentId= and ?workflowId=; most tasks have neither.
CREATE INDEX tasks_agent_idx ON tasks (agent_id) WHERE agent_id IS NOT NULL;
CREATE INDEX tasks_workflow_idx ON tasks (workflow_id) WHERE workflow_id IS NOT NULL;

-- Orders still in play were enqueued before payloads named the task's owner: the events built from
-- them read it there (work_order_changed below, Dispatcher.recordOrder).
UPDATE work_orders o SET payload = o.payload || jsonb_build_object('createdBy', t.created_by)
FROM tasks t
WHERE t.id = o.task_id AND o.status IN ('pending', 'claimed') AND NOT o.payload ? 'createdBy';

-- Which attempt of its order an assignment (an execution) is: work_orders.retry_count moves on with
-- each retry, so the answer to "who holds execution X" keeps its own. Rows from before this
-- migration are numbered in the order they were assigned.
ALTER TABLE worker_assignments ADD COLUMN attempt integer;
UPDATE worker_assignments a SET attempt = n.attempt
FROM (SELECT id, row_number() OVER (PARTITION BY work_order_id ORDER BY assigned_at, id) AS attempt
      FROM worker_assignments) n
WHERE a.id = n.id;
ALTER TABLE worker_assignments ALTER COLUMN attempt SET NOT NULL;

-- The data of a work_order.* event (shared-model TaskEvents.WorkOrderChanged), now with the task's
-- owner, agent and workflow (from the order's payload, so no lookup of the task), the input on a
-- claim and the outcome on a completion (the last TaskEvents.OUTPUT_TAIL = 4096 characters of
-- stdout and stderr). The claim and completion statements (WorkOrderService.CLAIM / COMPLETE) are
-- its only callers, so the order's status tells the event: 'claimed' or 'completed'. Still STABLE
-- and without sub-queries, so it inlines into those statements (see V3); names schema-qualified.
CREATE OR REPLACE FUNCTION work_order_changed(o task.work_orders) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('workOrderId', o.id, 'taskId', o.task_id, 'queue', o.queue_name, 'status', o.status,
                              'attempt', o.retry_count + 1, 'workerId', o.claimed_by, 'executionId', o.execution_id,
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
