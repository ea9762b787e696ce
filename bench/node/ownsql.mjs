// Writes pgbench scripts that run task-service's own claim and complete SQL, taken from
// WorkOrderService.java (text blocks CLAIM and COMPLETE) so they cannot drift from the
// service, plus the setup that loads task-service's migrations and N pending orders.
//
//   node ownsql.mjs --root REPO --out DIR --n 2000 --w 16
// writes DIR/ownsql-setup.sql, DIR/ownsql-single.sql (claim 1, complete it) and
// DIR/ownsql-batch.sql (claim 10, complete each): the cycles the Agentyard driver makes over HTTP.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, required } from './stats.mjs';

const args = parseArgs();
const root = required(args, 'root');
const out = required(args, 'out');
const N = Number(required(args, 'n'));
const W = Number(required(args, 'w'));

const source = readFileSync(join(root, 'task-service/src/main/java/io/agentyard/task/dispatch/WorkOrderService.java'), 'utf8');
function statement(name) {
  const match = source.match(new RegExp(`String ${name} = """([\\s\\S]*?)""";`));
  if (!match) throw new Error(`FAILED: no text block ${name} in WorkOrderService.java`);
  // one line: pgbench reads a statement per line (\gset must follow it)
  return match[1].replace(/--[^\n]*\n/g, '\n').replace(/\s+/g, ' ').trim();
}

// Each pgbench client is its own worker, as each Agentyard driver client is.
const worker = `('00000000-0000-0000-0000-' || lpad(:client_id::text, 12, '0'))::uuid`;
const bind = (sql, params) => sql.replace(/\$(\d+)/g, (all, n) => {
  if (!(n in params)) throw new Error(`FAILED: no value for $${n}`);
  return params[n];
});

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
  `INSERT INTO task.tasks (id, title, task_type, permission_level, status, created_by)
     SELECT gen_random_uuid(), 'bench ' || g, 'feature', 'autonomous', 'queued', gen_random_uuid() FROM generate_series(1, ${N}) g;`,
  `INSERT INTO task.work_orders (id, task_id, queue_name, status, priority, payload)
     SELECT gen_random_uuid(), id, 'feature', 'pending', 1, jsonb_build_object('taskId', id, 'title', title) FROM task.tasks;`,
  'VACUUM ANALYZE;', '',
].join('\n'));
