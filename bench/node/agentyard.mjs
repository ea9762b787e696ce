// Agentyard driver: creates tasks (each dispatches a work order to queue "feature"), then W worker
// clients drain them over HTTP: claim -> complete each returned order -> claim again (the next claim
// riding on the last completion, `next`, unless --next-claim false).
// Runs a single-claim phase (max 1) and a batch phase (max 10), each on fresh tasks.
// With --seed, the N timed tasks are written with SQL instead (the warm-up still goes through the
// API): a `queued` task and one `pending` work order each, in the shape TaskService.create and
// Dispatcher.enqueue write them, without their outbox events. Before each drain the claim's plan
// is taken (EXPLAIN ANALYZE of the service's own statement, rolled back) to show which scans it makes.
// Around each timed drain it scrapes the service's /q/metrics: the group commit's batches of claims
// and of completions during the drain (mean batch size, mean wait before the batch started).
//
//   node agentyard.mjs --base http://127.0.0.1:PORT --db postgres://postgres@127.0.0.1:5432/DB \
//        --key private.pem --n 2000 --w 16 [--warmup 200] [--seed] [--root REPO] [--out file.json]
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import pg from 'pg';
import { Agent, request } from 'undici';
import { loadPrivateKey, makeToken } from './jwt.mjs';
import { claimForPlan, planScans } from './servicesql.mjs';
import { EMPTY_QUEUE, registerWorkers, withoutRefusedField } from './workers.mjs';
import { cpuMeter, emit, log, main, now, parseArgs, required, runLimited, summarize, warmedUp, withTimeout } from './stats.mjs';

const args = parseArgs();
const BASE = required(args, 'base');
const DB = required(args, 'db');
const N = Number(args.n ?? 2000);
const W = Number(args.w ?? 16);
const WARMUP = Number(args.warmup ?? 200);
// Warm-up repeats (WARMUP orders a round) until the JVM's JIT compiler used less than JIT_QUIET of the
// service's CPU in JIT_QUIET_ROUNDS rounds in a row: the timed drain then measures the service's work,
// not its compilation.
const WARMUP_ROUNDS_MAX = Number(args['warmup-rounds-max'] ?? 16);
const ENQUEUE_CONCURRENCY = Number(args['enqueue-concurrency'] ?? 8);
const TIMEOUT_MS = Number(args['timeout-s'] ?? 300) * 1000;
const SERVICE_PID = args['service-pid'] ? Number(args['service-pid']) : null; // for its CPU use
const SEED = args.seed === 'true';
const ROOT = args.root ?? null; // the repository, for the claim's plan
const DB_NAME = basename(new URL(DB).pathname);
const QUEUE = 'feature';
// defaults of task-service (application.properties): what Dispatcher.enqueue gives each order
const MAX_RETRIES = Number(args['max-retries'] ?? 3);
// which phases run (all by default): fewer for an A/B of one mode
const PHASES = new Set((args.phases ?? 'single batch bulk empty').split(/[ ,]+/).filter(Boolean));

const agent = new Agent({ connections: W + ENQUEUE_CONCURRENCY, keepAliveTimeout: 30_000, pipelining: 1 });
const key = loadPrivateKey(required(args, 'key'));
const developerId = randomUUID(); // this run's tasks are told apart by their creator
const developerToken = makeToken(key, { sub: developerId, role: 'developer', upn: 'bench-developer' });

// Fields a service from before them refuses (400, unknown field): each is then left out for the rest
// of the run, and the result says so. Completions carry the claim's fencing token ("attempt"); a
// claim's last completion carries the worker's next claim ("next": one request per order instead of
// two, as a worker that runs one order after another sends it), unless --next-claim false.
const sends = { attempt: true, next: args['next-claim'] !== 'false' };
const without = { attempt: 'completions go without it', next: 'workers claim on their own' };

/** POST JSON; returns { status, body, ms }. Throws unless the status is the expected one. */
async function post(path, token, body, expected) {
  const t0 = now();
  const res = await request(BASE + path, {
    method: 'POST',
    dispatcher: agent,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const text = await res.body.text();
  const ms = now() - t0;
  const retry = withoutRefusedField(sends, without, res.statusCode, text, body);
  if (retry) return post(path, token, retry, expected);
  if (res.statusCode !== expected) {
    throw new Error(`POST ${path} ${JSON.stringify(body)} -> ${res.statusCode} (expected ${expected}): ${text.slice(0, 500)}`);
  }
  return { status: res.statusCode, body: text ? JSON.parse(text) : null, ms };
}

let tasksCreated = 0;

/** Creates `count` tasks with a few requests in flight; returns the elapsed ms. */
async function enqueue(count, label) {
  const t0 = now();
  const create = runLimited(count, ENQUEUE_CONCURRENCY, async (i) => {
    await post('/api/tasks', developerToken,
      { title: `bench ${label} ${i + 1}`, taskType: 'feature', permissionLevel: 'autonomous', priority: 'normal' }, 201);
    tasksCreated++;
  });
  await withTimeout(create, TIMEOUT_MS, `creating ${count} tasks`);
  return now() - t0;
}

/**
 * When task-service keeps work orders in task.work_orders, waits (bounded) until every created
 * task has one, so that the drain measures claiming rather than dispatch lag. Returns ms waited.
 */
async function awaitDispatch(db) {
  const { rows } = await db.query(`SELECT to_regclass('task.work_orders') IS NOT NULL AS present`);
  if (!rows[0].present) return null;
  const t0 = now();
  while (now() - t0 < 60_000) {
    const r = await db.query(
      'SELECT count(*)::int AS n FROM task.work_orders o JOIN task.tasks t ON t.id = o.task_id WHERE t.created_by = $1',
      [developerId]);
    if (r.rows[0].n >= tasksCreated) return now() - t0;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`work orders not dispatched within 60 s (${tasksCreated} tasks created)`);
}

/** Events recorded but not yet published by the service's outbox relay (null without task.outbox). */
async function outboxBacklog(db) {
  const { rows } = await db.query(`SELECT to_regclass('task.outbox') IS NOT NULL AS present`);
  if (!rows[0].present) return null;
  const r = await db.query('SELECT count(*)::int AS n FROM task.outbox WHERE published_at IS NULL');
  return r.rows[0].n;
}

/**
 * task-service's group-commit figures from its /q/metrics (Prometheus text), by kind (claims,
 * completions): batches (`batch_size_count`), requests in them (`batch_size_sum`), batches of at
 * most k requests (`le_k`, the histogram's cumulative buckets), requests timed (`wait_count`) and
 * their wait before their batch started in seconds (`wait_sum`). A kind the service has not
 * served yet has no meter (absent); an older build without these metrics gives {}; null when
 * /q/metrics does not answer.
 */
async function groupCommitMetrics() {
  try {
    const res = await request(`${BASE}/q/metrics`, { dispatcher: agent, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await res.body.text();
    if (res.statusCode !== 200) return null;
    const out = {};
    const sample = /^agentyard_group_commit_(batch_size_count|batch_size_sum|batch_size_bucket|wait_seconds_count|wait_seconds_sum|duration_seconds_count|duration_seconds_sum)\{([^}]*)\}\s+(\S+)/gm;
    for (const [, name, labels, value] of text.matchAll(sample)) {
      const kind = /kind="([^"]*)"/.exec(labels)?.[1];
      if (!kind) continue;
      const key = name === 'batch_size_bucket' ? `le_${/le="([^"]*)"/.exec(labels)?.[1].replace(/\.0$/, '')}`
        : name.replace('_seconds', '');
      (out[kind] ??= {})[key] = Number(value);
    }
    return out;
  } catch (err) {
    log(`agentyard: /q/metrics unreadable: ${err.message}`);
    return null;
  }
}

/**
 * What the group commit did between two scrapes, by kind: batches, requests, the mean batch size
 * (requests / batches), the mean wait of a request before its batch started, a batch's mean time
 * from its start until it was answered, and how many batches had at most k requests (k = 1, 2, 4,
 * … 64). Null when the service did not expose the metrics.
 */
function groupCommitDelta(before, after) {
  if (!before || !after || !Object.keys(after).length) return null;
  const out = {};
  for (const kind of ['claims', 'completions']) {
    const a = after[kind] ?? {};
    const b = before[kind] ?? {};
    const d = (key) => (a[key] ?? 0) - (b[key] ?? 0);
    const batches = d('batch_size_count');
    const requests = d('batch_size_sum');
    const waits = d('wait_count');
    const ran = d('duration_count');
    const buckets = Object.fromEntries(Object.keys(a).filter((k) => k.startsWith('le_')).map((k) => [k.slice(3), d(k)]));
    out[kind] = {
      batches,
      requests,
      mean_batch_size: batches > 0 ? Number((requests / batches).toFixed(2)) : null,
      mean_wait_ms: waits > 0 ? Number((d('wait_sum') / waits * 1000).toFixed(3)) : null,
      mean_batch_ms: ran > 0 ? Number((d('duration_sum') / ran * 1000).toFixed(3)) : null,
      batches_of_at_most: buckets,
    };
  }
  return out;
}

/**
 * W worker clients claim (max per call) and complete until `total` orders are done. With `next`, the
 * claim's last completion (or its bulk completion) claims again in the same request; when that finds
 * nothing, the worker claims on its own (waiting up to a second, as always).
 */
async function drain(workers, max, total, bulk = false) {
  const seen = new Set();
  const latencies = [];
  let claimed = 0;
  let completed = 0;
  let emptyClaims = 0;
  let duplicates = 0;
  let retried = 0;
  let lastDone = 0;
  let nextClaims = 0;
  const meter = cpuMeter({ servicePid: SERVICE_PID, dbs: [DB_NAME] });
  const t0 = now();
  const deadline = t0 + TIMEOUT_MS;
  // no wait: a completion's answer is not held back at the end of the drain
  const next = () => (sends.next && claimed < total ? { next: { queues: [QUEUE], max, waitSeconds: 0 } } : {});
  const loop = async (worker) => {
    let handed = null; // what the last completion's next claim got, and that request's ms
    while (claimed < total) {
      if (now() > deadline) throw new Error(`drain timed out: ${completed}/${total} completed after ${TIMEOUT_MS} ms`);
      const fromNext = handed?.body.length > 0;
      const { body: orders, ms } = fromNext
        ? handed : await post('/api/work-orders/claim', worker.token, { queues: [QUEUE], max, waitSeconds: 1 }, 200);
      if (fromNext) nextClaims++;
      handed = null;
      if (!Array.isArray(orders)) throw new Error(`claim answered a non-array: ${JSON.stringify(orders).slice(0, 300)}`);
      if (orders.length === 0) {
        emptyClaims++; // the service waited up to waitSeconds; normal at the very end
        continue;
      }
      if (orders.length > max) throw new Error(`claim with max ${max} returned ${orders.length} orders`);
      latencies.push(ms);
      claimed += orders.length;
      for (const order of orders) {
        if (seen.has(order.id)) duplicates++;
        seen.add(order.id);
        if (order.attempt > 1) retried++;
      }
      if (bulk) {
        // the whole claim's outcomes in one request, as pg-boss's complete(ids) does
        const { body, ms: completeMs } = await post('/api/work-orders/complete', worker.token, { completions: orders.map((order) =>
          ({ id: order.id, attempt: order.attempt, result: { ok: true }, exitCode: 0 })), ...next() }, 200);
        const refused = body.results.filter((r) => r.status !== 200);
        if (refused.length) throw new Error(`bulk completion refused ${refused.length}: ${JSON.stringify(refused[0]).slice(0, 300)}`);
        completed += orders.length;
        lastDone = now();
        if (body.next) handed = { body: body.next, ms: completeMs };
        continue;
      }
      for (const [i, order] of orders.entries()) {
        // the fencing token of the claim goes with every report on it
        const outcome = sends.attempt ? { result: { ok: true }, exitCode: 0, attempt: order.attempt } : { result: { ok: true }, exitCode: 0 };
        const { body, ms: completeMs } = await post(`/api/work-orders/${order.id}/complete`, worker.token,
          i === orders.length - 1 ? { ...outcome, ...next() } : outcome, 200);
        completed++;
        lastDone = now();
        if (body.next) handed = { body: body.next, ms: completeMs };
      }
    }
  };
  await Promise.all(workers.map(loop));
  const cpu = meter.stop(completed);
  return summarize({
    done: completed,
    wallMs: lastDone - t0,
    latencies,
    extra: { max, claims_with_work: latencies.length, empty_claims: emptyClaims, duplicate_claims: duplicates,
      retried_orders: retried, next_claims: nextClaims, cpu },
  });
}

/**
 * The cheapest real request of the worker's API, a floor under the drains' per-order figures: W
 * clients loop claims (max 1, no wait) on a queue that never has work until `total` have answered,
 * after an untimed round of `warmup`. Each is a whole claim (HTTP, token, JSON, validation, tracing,
 * a group-committed transaction that finds nothing and writes nothing) without an order's writes.
 */
async function emptyClaims(workers, total, warmup) {
  const run = async (count) => {
    let sent = 0;
    const latencies = [];
    const meter = cpuMeter({ servicePid: SERVICE_PID, dbs: [DB_NAME] });
    const t0 = now();
    await Promise.all(workers.map(async (worker) => {
      while (sent < count) {
        sent++;
        const { body, ms } = await post('/api/work-orders/claim', worker.token, { queues: [EMPTY_QUEUE], max: 1, waitSeconds: 0 }, 200);
        if (!Array.isArray(body) || body.length) throw new Error(`a claim on ${EMPTY_QUEUE} answered ${JSON.stringify(body).slice(0, 300)}`);
        latencies.push(ms);
      }
    }));
    const wallMs = now() - t0;
    return summarize({ done: sent, wallMs, latencies, extra: { cpu: meter.stop(sent) } });
  };
  await run(warmup);
  const r = await run(total);
  log(`agentyard empty claims: ${r.per_s} requests/s, p50 ${r.latency_ms.p50} ms; cpu ${JSON.stringify(r.cpu)}`);
  return r;
}

/**
 * Writes `count` queued tasks and their pending work orders with SQL, as TaskService.create and
 * Dispatcher.enqueue (payloadOf) write them for a request with a title, type feature, autonomous,
 * priority normal and nothing else (no timeout: the order's timeout_seconds stays null, its attempt 0);
 * leaves out their outbox events. Returns the elapsed ms.
 */
async function seed(db, count, label) {
  const t0 = now();
  const CHUNK = 10_000;
  for (let from = 1; from <= count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK - 1);
    await db.query(`
      WITH t AS (
        INSERT INTO task.tasks (id, title, task_type, permission_level, priority, status, context, metadata,
                                created_by, created_at, updated_at)
        SELECT gen_random_uuid(), $1 || g, 'feature', 'autonomous', 'normal', 'queued', '{}', '{}',
               $2::uuid, clock_timestamp(), clock_timestamp()
        FROM generate_series($3::int, $4::int) g
        RETURNING id, title, task_type, permission_level, priority, context, created_by, created_at)
      INSERT INTO task.work_orders (id, task_id, queue_name, status, priority, payload, retry_count, max_retries,
                                    enqueued_at, available_at)
      SELECT gen_random_uuid(), t.id, t.task_type, 'pending', 1,
             jsonb_build_object('taskId', t.id, 'title', t.title, 'taskType', t.task_type,
                                'permissionLevel', t.permission_level, 'priority', t.priority,
                                'context', t.context, 'createdBy', t.created_by),
             0, $5::int, t.created_at, t.created_at
      FROM t ORDER BY t.created_at`,
      [`bench ${label} `, developerId, from, to, MAX_RETRIES]);
  }
  tasksCreated += count;
  return now() - t0;
}

/**
 * The claim's plan with the pending orders as they are (EXPLAIN ANALYZE, rolled back): as the
 * planner picks it for these values, as a generic plan (what a prepared statement executed many
 * times may settle on), and pinned, under the settings the service runs it with (its
 * PINNED_PLANS, when its source has them). Seq scans of big tables here mean a claim slows as the
 * queue grows.
 */
async function claimPlan(db, workers, max) {
  if (!ROOT) return null;
  const claim = claimForPlan(ROOT);
  const params = claim.params(workers.map((w) => w.id), QUEUE, max);
  const out = { statement: `${claim.source} ${claim.name}`, workers: workers.length, max };
  const settings = { custom: 'SET LOCAL plan_cache_mode = force_custom_plan',
    generic: 'SET LOCAL plan_cache_mode = force_generic_plan' };
  if (claim.pinned) settings.pinned = claim.pinned;
  for (const [mode, setting] of Object.entries(settings)) {
    await db.query('BEGIN');
    try {
      await db.query(setting);
      await db.query(`PREPARE bench_claim (${claim.types.join(', ')}) AS ${claim.sql}`);
      const literal = (v, type) => (v == null ? `null::${type}`
        : Array.isArray(v) ? `${db.escapeLiteral(`{${v.map((x) => (x == null ? 'NULL' : `"${x}"`)).join(',')}}`)}::${type}`
          : `${db.escapeLiteral(String(v))}::${type}`);
      const { rows } = await db.query(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE bench_claim (${params.map((v, i) => literal(v, claim.types[i])).join(', ')})`);
      const plan = rows[0]['QUERY PLAN'][0];
      out[mode] = { ...planScans(plan), execution_ms: Number(plan['Execution Time'].toFixed(2)) };
    } finally {
      await db.query('ROLLBACK');
      await db.query('DEALLOCATE ALL');
    }
  }
  return out;
}

async function phase(db, workers, name, max, bulk = false) {
  const warmup = [];
  for (let round = 1; WARMUP > 0 && round <= WARMUP_ROUNDS_MAX; round++) {
    await enqueue(WARMUP, `${name}-warmup-${round}`); // untimed: JIT, connection pools, caches
    await awaitDispatch(db);
    // scraped around each round as around the timed drain: a service that had served only POSTs
    // deoptimized its compiled HTTP path at its first GET and recompiled it during the timed drain
    await groupCommitMetrics();
    const { cpu, per_s: perS } = await drain(workers, max, WARMUP, bulk);
    await groupCommitMetrics();
    const jitShare = cpu.service_jit_share;
    warmup.push({ round, per_s: perS, service_cpu_ms_per_unit: cpu.service_cpu_ms_per_unit, jit_share: jitShare });
    log(`agentyard ${name}: warm-up round ${round}: service ${cpu.service_cpu_ms_per_unit} CPU-ms/order, ` +
        `JIT compiler ${jitShare == null ? '?' : `${(100 * jitShare).toFixed(0)}%`} of it`);
    if (warmedUp(warmup.map((w) => w.jit_share))) break;
  }
  const enqueueMs = SEED ? await seed(db, N, name) : await enqueue(N, name);
  const dispatchWaitMs = SEED ? null : await awaitDispatch(db);
  log(`agentyard ${name}: ${SEED ? 'seeded' : 'created'} ${N} tasks in ${enqueueMs.toFixed(0)} ms (${(N / (enqueueMs / 1000)).toFixed(0)}/s); draining with ${W} workers, max ${max}`);
  // what autovacuum does soon after such inserts; done here so that every N drains with current statistics
  await db.query('ANALYZE task.tasks, task.work_orders, task.worker_assignments, task.outbox');
  const plan = await claimPlan(db, workers, max).catch((err) => ({ error: err.message }));
  if (plan) log(`agentyard ${name}: claim plan ${JSON.stringify(plan)}`);
  await db.query('CHECKPOINT');
  const backlogBefore = await outboxBacklog(db);
  const metricsBefore = await groupCommitMetrics();
  const startedAt = new Date().toISOString();
  const r = await drain(workers, max, N, bulk);
  r.window = { start: startedAt, end: new Date().toISOString() }; // to cut a profile (JFR) to the timed drain
  // every request of the drain has been answered (its batch started before): all are counted
  r.group_commit = groupCommitDelta(metricsBefore, await groupCommitMetrics());
  r.enqueue_method = SEED ? 'sql' : 'api';
  r.warmup_rounds = warmup;
  r.attempt_sent = sends.attempt;
  r.next_claim_sent = sends.next;
  r.claim_plan = plan;
  r.outbox_backlog = { drain_start: backlogBefore, drain_end: await outboxBacklog(db) };
  r.enqueue_ms = Number(enqueueMs.toFixed(1));
  r.enqueue_per_s = Number((N / (enqueueMs / 1000)).toFixed(1));
  r.dispatch_wait_ms = dispatchWaitMs == null ? null : Number(dispatchWaitMs.toFixed(1));
  log(`agentyard ${name}: ${r.per_s} orders/s, claim p50 ${r.latency_ms.p50} ms p99 ${r.latency_ms.p99} ms, ` +
      `${r.empty_claims} empty claims, ${r.duplicate_claims} duplicates; cpu ${JSON.stringify(r.cpu)}`);
  if (r.group_commit) {
    log(`agentyard ${name}: group commit ${Object.entries(r.group_commit).map(([kind, g]) =>
      `${kind} ${g.requests} in ${g.batches} batches (mean ${g.mean_batch_size}, wait ${g.mean_wait_ms} ms, batch ${g.mean_batch_ms} ms)`).join(', ')}`);
  }
  return r;
}

main(async () => {
  const db = new pg.Client({ connectionString: DB });
  await db.connect();
  const result = { name: 'Agentyard', n: N, w: W, warmup: WARMUP, enqueue_method: SEED ? 'sql' : 'api', phases: {} };
  try {
    const workers = await registerWorkers(db, key, W);
    if (PHASES.has('single')) result.phases.single = await phase(db, workers, 'single', 1);
    if (PHASES.has('batch')) result.phases.batch = await phase(db, workers, 'batch', 10);
    if (PHASES.has('bulk')) result.phases.bulk = await phase(db, workers, 'bulk', 10, true);
    if (PHASES.has('empty')) result.phases.empty = await emptyClaims(workers, Math.min(N, 20_000), WARMUP);
  } finally {
    await db.end();
    await agent.close();
  }
  await emit(result, args.out);
}, TIMEOUT_MS * 4 + 120_000);
