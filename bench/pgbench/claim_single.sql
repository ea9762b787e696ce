-- One queue cycle: claim the next pending row (its own transaction), then complete it.
UPDATE q SET status = 'claimed', claimed_at = now()
 WHERE id = (SELECT id FROM q WHERE status = 'pending' ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id \gset
UPDATE q SET status = 'completed' WHERE id = :id;
