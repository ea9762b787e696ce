-- One batch cycle: claim up to 10 pending rows (one transaction), then complete them all (one).
-- array_agg makes the claim return exactly one row, as \gset requires; ids is a '{1,2,...}' literal.
WITH claimed AS (
  UPDATE q SET status = 'claimed', claimed_at = now()
   WHERE id IN (SELECT id FROM q WHERE status = 'pending' ORDER BY priority DESC, id LIMIT 10 FOR UPDATE SKIP LOCKED)
  RETURNING id
)
SELECT array_agg(id) AS ids, count(*) AS claimed FROM claimed \gset
UPDATE q SET status = 'completed' WHERE id = ANY (:ids::bigint[]);
