-- A claim is one statement (WorkOrderService.CLAIM). It must not lease more orders than the
-- worker has free slots, even when the same worker claims twice at once. This function locks the
-- worker's row first and only then counts its running orders: being VOLATILE, it counts with a
-- fresh snapshot, so it sees the orders a concurrent claim committed while it waited for the lock
-- (the calling statement's own snapshot predates that wait). An unknown worker raises P0002.
CREATE FUNCTION lock_free_slots(worker uuid) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    slots bigint;
BEGIN
    SELECT w.max_concurrent_tasks INTO slots FROM task.workers w WHERE w.id = worker FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'worker % is not registered', worker USING ERRCODE = 'no_data_found';
    END IF;
    RETURN slots - (SELECT count(*) FROM task.work_orders o WHERE o.claimed_by = worker AND o.status = 'claimed');
END
$$;
