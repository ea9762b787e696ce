// Writes pgbench scripts that run task-service's own claim and complete SQL as the service issues
// it, taken from WorkOrderQueue.java (text blocks LOCK_WORKERS, CLAIM, COMPLETE) so they cannot
// drift from the service, plus the setup that loads task-service's migrations and N pending orders.
//
//   node ownsql.mjs --root REPO --out DIR --n 2000 --w 16
// writes DIR/ownsql-setup.sql and four scripts, each statement in its own transaction as the
// service's group commit runs them (BEGIN; LOCK_WORKERS; CLAIM; COMMIT, then BEGIN; COMPLETE; COMMIT):
//   ownsql-single.sql            one worker per statement (a pgbench client is a worker): claim 1, complete it
//   ownsql-batch.sql             one worker per statement: claim 10, complete each (one statement per order)
//   ownsql-coalesced-single.sql  a client is a group of W workers: the claims of all W (1 each) in one
//                                statement, then their W completions in one
//   ownsql-coalesced-batch.sql   a group of W workers, 10 each: the W claims in one statement, then the
//                                completions W at a time (10 statements), as W workers completing
//                                their orders one after the other would be coalesced
// The claim's final select is cut down to the claimed ids, attempts and holders (\gset needs one
// row); the statement's work (its CTEs) is the service's.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bind, textBlock } from './servicesql.mjs';
import { parseArgs, required } from './stats.mjs';

const args = parseArgs();
const root = required(args, 'root');
const out = required(args, 'out');
const N = Number(required(args, 'n'));
const W = Number(required(args, 'w'));
const GROUPS = 2; // coalesced variants: pgbench clients, each a group of W workers

const statement = (name) => textBlock(root, 'WorkOrderQueue.java', name);
const constant = (file, name) => {
  const source = readFileSync(join(root, file), 'utf8');
  const m = source.match(new RegExp(`String ${name} = "([^"]+)"`));
  if (!m) throw new Error(`FAILED: no constant ${name} in ${file}`);
  return `'${m[1]}'`;
};
const EVENTS = 'shared-model/src/main/java/io/agentyard/shared/events/TaskEvents.java';
// the rules the service passes in (WorkerStatus.claiming(), Task.Permission.awaitingReview(), config defaults)
const CLAIMING = `'{idle,busy}'::text[]`;
const AWAITING_REVIEW = `'{supervised}'::text[]`;
const LEASE_S = '60';
const DEFAULT_TIMEOUT_S = '3600';

const workerId = (index) => `('00000000-0000-0000-0000-' || lpad((${index})::text, 12, '0'))::uuid`;
const ORDER = '(c.o).priority desc, (c.o).available_at, (c.o).enqueued_at';
const agg = (expr, type) => `coalesce(array_agg(${expr} order by r.n, ${ORDER}) filter (where (c.o).id is not null), '{}'::${type}[])::text`;

function claim(workers, count, max) {
  const sql = bind(statement('CLAIM'), {
    1: workers, 2: `array_fill(${max}, array[${count}])`, 3: `array_fill(null::text, array[${count}])`,
    4: `'{feature}'::text[]`, 5: CLAIMING, 6: LEASE_S, 7: DEFAULT_TIMEOUT_S, 8: "'queued'", 9: "'in_progress'",
    10: constant(EVENTS, 'TASK_STATUS_CHANGED'), 11: constant(EVENTS, 'WORK_ORDER_CLAIMED'), 12: String(count * max),
  });
  const cut = sql.replace(/select r\.worker, r\.status as worker_status, \(c\.o\)\.\* from requests r left join claimed c on \(c\.o\)\.claimed_by = r\.worker order by [^;]*$/,
    `select ${agg('(c.o).id', 'uuid')} as ids, ${agg('(c.o).attempt', 'int')} as attempts, ${agg('(c.o).claimed_by', 'uuid')} as holders from requests r left join claimed c on (c.o).claimed_by = r.worker`);
  if (cut === sql) throw new Error('FAILED: the CLAIM statement no longer ends with "select r.worker, r.status as worker_status, (c.o).* from requests r left join claimed c ..."');
  return cut;
}

/** COMPLETE for the claimed orders from..to (1-based, inclusive) of :ids/:attempts/:holders. */
function complete(from, to) {
  const slice = (v, type) => `(:${v}::${type}[])[${from}:${to}]`;
  const n = `cardinality(${slice('ids', 'uuid')})`;
  return bind(statement('COMPLETE'), {
    1: slice('ids', 'uuid'), 2: slice('holders', 'uuid'), 3: slice('attempts', 'int'),
    4: `array_fill('{"ok": true}'::text, array[${n}])`, 5: `array_fill(0, array[${n}])`,
    6: `array_fill(null::text, array[${n}])`, 7: `array_fill(null::text, array[${n}])`, 8: `array_fill(null::text, array[${n}])`,
    9: `array_fill(null::text, array[${n}])`, 10: AWAITING_REVIEW, 11: "'in_progress'", 12: "'completed'", 13: "'blocked'",
    14: "'review'", 15: constant(EVENTS, 'WORK_ORDER_COMPLETED'), 16: constant(EVENTS, 'TASK_STATUS_CHANGED'),
    17: constant(EVENTS, 'TASK_COMPLETED'),
  });
}

const lock = (workers) => bind(statement('LOCK_WORKERS'), { 1: workers });
const tx = (...statements) => ['BEGIN;', ...statements, 'COMMIT;'];

// one worker per statement: client k is worker k
function single(max) {
  const workers = `array[${workerId(':client_id')}]`;
  const lines = tx(`${lock(workers)};`, claim(workers, 1, max), '\\gset');
  for (let k = 1; k <= max; k++) lines.push(...tx(`${complete(k, k)};`));
  return lines.join('\n') + '\n';
}

// a group of W workers per client: client k holds workers k*W .. k*W+W-1
function coalesced(max) {
  const workers = `array(select ${workerId(`:client_id * ${W} + g`)} from generate_series(0, ${W - 1}) g order by 1)`;
  const lines = tx(`${lock(workers)};`, claim(workers, W, max), '\\gset');
  for (let k = 0; k < max; k++) lines.push(...tx(`${complete(k * W + 1, (k + 1) * W)};`));
  return lines.join('\n') + '\n';
}

writeFileSync(join(out, 'ownsql-single.sql'), single(1));
writeFileSync(join(out, 'ownsql-batch.sql'), single(10));
writeFileSync(join(out, 'ownsql-coalesced-single.sql'), coalesced(1));
writeFileSync(join(out, 'ownsql-coalesced-batch.sql'), coalesced(10));

const migrations = join(root, 'task-service/src/main/resources/db/migration');
const files = readdirSync(migrations).filter((f) => /^V\d+__.*\.sql$/.test(f))
  .sort((a, b) => Number(a.slice(1).split('__')[0]) - Number(b.slice(1).split('__')[0]));
writeFileSync(join(out, 'ownsql-setup.sql'), [
  'DROP SCHEMA IF EXISTS task CASCADE;', 'CREATE SCHEMA task;', 'SET search_path = task;',
  ...files.map((f) => readFileSync(join(migrations, f), 'utf8')),
  `INSERT INTO task.workers (id, worker_type, max_concurrent_tasks, status)
     SELECT ${workerId('g')}, 'feature', 10, 'idle' FROM generate_series(0, ${Math.max(W, GROUPS * W) - 1}) g;`,
  // N queued tasks with a pending order each, as TaskService.create and Dispatcher.enqueue write them
  // (the Agentyard driver's --seed writes the same rows)
  `WITH t AS (
     INSERT INTO task.tasks (id, title, task_type, permission_level, priority, status, context, metadata, created_by,
                             created_at, updated_at)
     SELECT gen_random_uuid(), 'bench ' || g, 'feature', 'autonomous', 'normal', 'queued', '{}', '{}',
            '00000000-0000-0000-0000-00000000d0d0', clock_timestamp(), clock_timestamp() FROM generate_series(1, ${N}) g
     RETURNING id, title, task_type, permission_level, priority, context, created_by, created_at)
   INSERT INTO task.work_orders (id, task_id, queue_name, status, priority, payload, retry_count, max_retries,
                                 enqueued_at, available_at)
   SELECT gen_random_uuid(), t.id, t.task_type, 'pending', 1,
          jsonb_build_object('taskId', t.id, 'title', t.title, 'taskType', t.task_type, 'permissionLevel', t.permission_level,
                             'priority', t.priority, 'context', t.context, 'createdBy', t.created_by),
          0, 3, t.created_at, t.created_at
   FROM t ORDER BY t.created_at;`,
  'VACUUM ANALYZE;', '',
].join('\n'));
