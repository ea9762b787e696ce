// Writes pgbench scripts that run task-service's own claim and complete SQL, taken from
// WorkOrderService.java (text blocks CLAIM and COMPLETE) so they cannot drift from the
// service, plus the setup that loads task-service's migrations and N pending orders.
//
//   node ownsql.mjs --root REPO --out DIR --n 2000 --w 16
// writes DIR/ownsql-setup.sql, DIR/ownsql-single.sql (claim 1, complete it) and
// DIR/ownsql-batch.sql (claim 10, complete each): the cycles the Agentyard driver makes over HTTP.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bind, textBlock } from './servicesql.mjs';
import { parseArgs, required } from './stats.mjs';

const args = parseArgs();
const root = required(args, 'root');
const out = required(args, 'out');
const N = Number(required(args, 'n'));
const W = Number(required(args, 'w'));

const statement = (name) => textBlock(root, 'WorkOrderService.java', name);

// Each pgbench client is its own worker, as each Agentyard driver client is.
const worker = `('00000000-0000-0000-0000-' || lpad(:client_id::text, 12, '0'))::uuid`;

const claim = (max) => bind(statement('CLAIM'), { 1: worker, 2: `'{feature}'::text[]`, 3: String(max), 4: 'null::text' })
  .replace(/select \* from claimed order by ([^;]*)$/, 'select array_agg(id order by $1)::text as ids from claimed');
if (!claim(1).includes('as ids')) throw new Error('FAILED: the CLAIM statement no longer ends with "select * from claimed order by ..."');
const complete = (k) => bind(statement('COMPLETE'), {
  1: `(:ids::uuid[])[${k}]`, 2: worker, 3: `(jsonb_build_object('ok', true)::text)`, 4: '0', 5: 'null::text',
  6: 'null::text', 7: 'null', 8: 'null',
});

// As in the service, the claim and each completion are single statements, each its own transaction.
const cycle = (max) => [claim(max), '\\gset',
  ...Array.from({ length: max }, (_, i) => `${complete(i + 1)};`)].join('\n') + '\n';
writeFileSync(join(out, 'ownsql-single.sql'), cycle(1));
writeFileSync(join(out, 'ownsql-batch.sql'), cycle(10));

const migrations = join(root, 'task-service/src/main/resources/db/migration');
const files = readdirSync(migrations).filter((f) => /^V\d+__.*\.sql$/.test(f))
  .sort((a, b) => Number(a.slice(1).split('__')[0]) - Number(b.slice(1).split('__')[0]));
writeFileSync(join(out, 'ownsql-setup.sql'), [
  'DROP SCHEMA IF EXISTS task CASCADE;', 'CREATE SCHEMA task;', 'SET search_path = task;',
  ...files.map((f) => readFileSync(join(migrations, f), 'utf8')),
  `INSERT INTO task.workers (id, worker_type, max_concurrent_tasks, status)
     SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'feature', 10, 'idle' FROM generate_series(0, ${W - 1}) g;`,
  // N queued tasks with a pending order each, as TaskService.create and Dispatcher.enqueue write them
  // (the Agentyard driver's --seed writes the same rows)
  `WITH t AS (
     INSERT INTO task.tasks (id, title, task_type, permission_level, priority, status, context, metadata, created_by,
                             created_at, updated_at)
     SELECT gen_random_uuid(), 'bench ' || g, 'feature', 'autonomous', 'normal', 'queued', '{}', '{}',
            '00000000-0000-0000-0000-00000000d0d0', clock_timestamp(), clock_timestamp() FROM generate_series(1, ${N}) g
     RETURNING id, title, task_type, permission_level, priority, context, created_by, created_at)
   INSERT INTO task.work_orders (id, task_id, queue_name, status, priority, payload, retry_count, max_retries,
                                 timeout_seconds, enqueued_at, available_at)
   SELECT gen_random_uuid(), t.id, t.task_type, 'pending', 1,
          jsonb_build_object('taskId', t.id, 'title', t.title, 'taskType', t.task_type, 'permissionLevel', t.permission_level,
                             'priority', t.priority, 'context', t.context, 'createdBy', t.created_by),
          0, 3, 900, t.created_at, t.created_at
   FROM t ORDER BY t.created_at;`,
  'VACUUM ANALYZE;', '',
].join('\n'));
