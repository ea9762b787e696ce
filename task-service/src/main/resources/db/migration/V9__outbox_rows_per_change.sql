-- Claims and completions record the events of one order's change in one outbox row: its envelope
-- is then a JSON array (claim: task.status_changed, work_order.claimed; completion:
-- work_order.completed, task.status_changed and, when the task ended, task.completed), which the
-- relay publishes as one stream entry per event, in array order. Two rows per order instead of
-- five: each row costs a heap tuple and four index entries when written and again when published.
-- The row's id, event_type and subject_id are those of its first event.

-- Rows of up to three envelopes pass the default 2 kB mark at which PostgreSQL compresses a row
-- before storing it; compressing rows read once and deleted after a week only costs CPU.
ALTER TABLE outbox SET (toast_tuple_target = 8160);

-- One row per event, whichever way it was recorded: what operators (and tests) query.
CREATE VIEW outbox_events AS
SELECT o.seq, e.n AS position, (e.envelope ->> 'id')::uuid AS id, e.envelope ->> 'type' AS event_type,
       e.envelope ->> 'subjectId' AS subject_id, e.envelope, o.created_at, o.published_at
FROM outbox o
CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(o.envelope) WHEN 'array' THEN o.envelope
                                        ELSE jsonb_build_array(o.envelope) END) WITH ORDINALITY AS e (envelope, n);
