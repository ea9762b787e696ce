-- Background rounds' statements with a generic plan made while the tables were empty, then run
-- against large tables: what a statement prepared on a pooled connection can keep until
-- autovacuum's next ANALYZE. Each is timed twice: with that cached plan, and planned afresh
-- (FreshPlans: plan_cache_mode = force_custom_plan for the round's transaction), the statistics
-- still those of the empty tables. The statements mirror WorkOrderRepository.lockExpired (lease
-- reaper), TaskRepository.lockStranded (stranded sweep) and OutboxRelay (relay round); the hot
-- path's claim, which keeps its cached plan, is WorkOrderQueue.CLAIM itself (stale-plans.sh reads
-- it from the source into claim.sql), claims of 16 workers, one order each.
\set ON_ERROR_STOP 1
set search_path = task;
-- the tables once held rows and were emptied (their statistics say empty, their columns' histograms stay)
\ir fill.sql
analyze;
truncate tasks, work_orders, workers, outbox cascade;
analyze;
set plan_cache_mode = force_generic_plan;
prepare reap(timestamptz, text, text[], int) as
    select o.* from task.work_orders o
    where o.status = 'claimed' and o.expires_at < $1
      and not exists (select 1 from task.tasks t where t.id = o.task_id and t.status = $2 and t.blocked_reason = any($3))
    order by o.expires_at limit $4 for update of o skip locked;
prepare stranded(int) as
    select t.* from task.tasks t
    where t.status = 'pending' and (t.permission_level <> 'human_required' or t.approved_at is not null)
      and not exists (select 1 from task.task_dependencies d join task.tasks b on b.id = d.depends_on_task_id
                      where d.task_id = t.id and d.dependency_type = 'blocks' and b.status <> 'completed')
    order by t.created_at limit $1 for update of t skip locked;
prepare relay(int) as
    select o.seq, e.envelope::text from (select seq, envelope from task.outbox where published_at is null order by seq limit $1) o
    cross join lateral jsonb_array_elements(case jsonb_typeof(o.envelope) when 'array' then o.envelope
                                            else jsonb_build_array(o.envelope) end) with ordinality as e (envelope, n)
    order by o.seq, e.n;
\i :claim_sql
-- the generic plans are made now, on empty tables
explain (costs off) execute reap(now(), 'blocked', array['question'], 200);
explain (costs off) execute stranded(200);
explain (costs off) execute relay(200);

\ir fill.sql

\echo '## cached generic plan (made on empty tables)'
begin;
explain (analyze, costs off, timing off, summary on) execute reap(now(), 'blocked', array['question'], 200);
explain (analyze, costs off, timing off, summary on) execute stranded(200);
explain (analyze, costs off, timing off, summary on) execute relay(200);
explain (analyze, costs off, timing off, summary on) execute claim(:'workers'::uuid[], array_fill(1, array[16]), array_fill(null::text, array[16]), array['feature'], array['idle', 'busy'], 60, 3600, 'queued', 'in_progress', 'task.status_changed', 'work_order.claimed', 16);
rollback;
\echo '## planned afresh (FreshPlans), statistics still of the empty tables'
begin;
select set_config('plan_cache_mode', 'force_custom_plan', true);
explain (analyze, costs off, timing off, summary on) execute reap(now(), 'blocked', array['question'], 200);
explain (analyze, costs off, timing off, summary on) execute stranded(200);
explain (analyze, costs off, timing off, summary on) execute relay(200);
explain (analyze, costs off, timing off, summary on) execute claim(:'workers'::uuid[], array_fill(1, array[16]), array_fill(null::text, array[16]), array['feature'], array['idle', 'busy'], 60, 3600, 'queued', 'in_progress', 'task.status_changed', 'work_order.claimed', 16);
rollback;
