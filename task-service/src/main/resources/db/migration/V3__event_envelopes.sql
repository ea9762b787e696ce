-- The dispatch hot path (claim and complete in WorkOrderService) records its events in the same SQL
-- statement as the change they describe. These functions build the envelope exactly as
-- shared-model's Outbox and EventJson do in Java (DispatchEventsTest holds them to that).
-- Names are schema-qualified: functions resolve names with the caller's search_path. Each is
-- declared no less volatile than what it calls (to_char and jsonb_build_object are STABLE), so
-- PostgreSQL inlines it into the statement instead of planning its body on every call.

-- A version 7 (time-ordered) UUID, as shared-model's Uuids.timeOrdered(): the millisecond clock
-- in the first 48 bits, the version nibble set from v4's 0100 to 0111.
CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
               PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
               FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;

-- ISO-8601 UTC with microseconds, as Jackson writes an Instant.
CREATE FUNCTION iso_instant(at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- An event envelope (schema version 1) of task-service.
CREATE FUNCTION event_envelope(event_type text, subject_id uuid, data jsonb, traceparent text)
    RETURNS jsonb LANGUAGE sql VOLATILE AS $$
    SELECT jsonb_build_object('id', task.uuid_v7(), 'type', event_type, 'source', 'task', 'subjectId', subject_id,
                              'occurredAt', task.iso_instant(clock_timestamp()), 'schemaVersion', 1,
                              'traceparent', traceparent, 'data', data)
$$;

-- The data of a work_order.* event (shared-model TaskEvents.WorkOrderChanged).
CREATE FUNCTION work_order_changed(o task.work_orders) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('workOrderId', o.id, 'taskId', o.task_id, 'queue', o.queue_name, 'status', o.status,
                              'attempt', o.retry_count + 1, 'workerId', o.claimed_by, 'executionId', o.execution_id,
                              'leaseExpiresAt', task.iso_instant(o.expires_at), 'error', o.error_message)
$$;

-- The data of a task.status_changed / completed / failed / cancelled event (TaskEvents.TaskStatusChanged).
CREATE FUNCTION task_status_changed(task_id uuid, previous_status text, status text, assigned_to uuid)
    RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('taskId', task_id, 'previousStatus', previous_status, 'status', status,
                              'assignedTo', assigned_to)
$$;
