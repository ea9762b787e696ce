-- The large tables of stale-plans.sql (:rows, :expired as given to psql).
-- 16 workers that may claim, each 100 orders at once
insert into workers (id, worker_type, max_concurrent_tasks, status)
select gen_random_uuid(), 'claude', 100, 'idle' from generate_series(1, 16);
select array_agg(id order by id)::text as workers from workers \gset

-- :rows tasks, each with its order: a quarter waiting (queued, its order pending), :expired claimed with a
-- lease run out, the rest completed
insert into tasks (id, title, task_type, permission_level, status, created_by)
select gen_random_uuid(), 't', 'feature', 'autonomous',
       case when g <= :rows - :expired - :rows / 4 then 'completed' when g <= :rows - :rows / 4 then 'in_progress'
            else 'queued' end,
       gen_random_uuid()
from generate_series(1, :rows) g;
insert into work_orders (id, task_id, queue_name, status, payload, expires_at, claimed_by)
select gen_random_uuid(), t.id, 'feature',
       case t.status when 'completed' then 'completed' when 'in_progress' then 'claimed' else 'pending' end, '{}',
       case when t.status = 'in_progress' then now() - interval '10 minutes' end,
       case when t.status = 'in_progress' then gen_random_uuid() end
from tasks t;
-- the outbox: :rows published rows and 5,000 waiting, two events each
insert into outbox (id, event_type, subject_id, envelope, published_at)
select gen_random_uuid(), 'x', 'y', jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'data', repeat('z', 600)),
                                                     jsonb_build_object('id', gen_random_uuid(), 'data', repeat('z', 600))),
       case when g <= :rows then now() - interval '1 day' end
from generate_series(1, :rows + 5000) g;
