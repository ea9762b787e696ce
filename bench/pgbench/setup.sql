-- Work-order queue for the raw PostgreSQL reference. psql variable :n = number of pending rows.
DROP TABLE IF EXISTS q;
CREATE TABLE q (
  id         bigserial PRIMARY KEY,
  queue      text        NOT NULL DEFAULT 'feature',
  status     text        NOT NULL DEFAULT 'pending',
  priority   int         NOT NULL DEFAULT 0,
  payload    jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  claimed_at timestamptz
);
-- The claim scans pending rows by priority: a partial index keeps that scan short.
CREATE INDEX q_pending ON q (priority DESC, id) WHERE status = 'pending';
INSERT INTO q (payload) SELECT jsonb_build_object('i', g) FROM generate_series(1, :n) g;
VACUUM ANALYZE q;
