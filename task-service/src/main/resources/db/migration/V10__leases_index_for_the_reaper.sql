-- work_orders_leases_idx serves the lease reaper (claimed orders whose expires_at has passed). It
-- had the same predicate as work_orders_holder_idx (status = 'claimed'), so a claim counting one
-- worker's held orders could use it too, walking every lease of every worker: the planner chose it
-- whenever few orders were claimed at the last ANALYZE, and the claim's plan, made once per
-- connection (WorkOrderQueue.PINNED_PLANS), kept that choice as the fleet grew. A predicate that
-- the count does not imply, and the reaper's "expires_at < now" does, leaves the count to
-- work_orders_holder_idx. A claimed order always has a lease.
DROP INDEX work_orders_leases_idx;
CREATE INDEX work_orders_leases_idx ON work_orders (expires_at) WHERE status = 'claimed' AND expires_at IS NOT NULL;
