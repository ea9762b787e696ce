// Agentyard driver: creates tasks (each dispatches a work order to queue "feature"), then W worker
// clients drain them over HTTP: claim -> complete each returned order -> claim again.
// Runs a single-claim phase (max 1) and a batch phase (max 10), each on fresh tasks.
//
//   node agentyard.mjs --base http://127.0.0.1:PORT --db postgres://postgres@127.0.0.1:5432/DB \
//        --key private.pem --n 2000 --w 16 [--warmup 200] [--out file.json]
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Agent, request } from 'undici';
import { loadPrivateKey, makeToken } from './jwt.mjs';
import { cpuSnapshot, cpuUse, emit, log, main, now, parseArgs, required, runLimited, summarize, withTimeout } from './stats.mjs';

const args = parseArgs();
const BASE = required(args, 'base');
const DB = required(args, 'db');
const N = Number(args.n ?? 2000);
const W = Number(args.w ?? 16);
const WARMUP = Number(args.warmup ?? 200);
const ENQUEUE_CONCURRENCY = Number(args['enqueue-concurrency'] ?? 8);
const TIMEOUT_MS = Number(args['timeout-s'] ?? 300) * 1000;
const SERVICE_PID = args['service-pid'] ? Number(args['service-pid']) : null; // for its CPU use
const QUEUE = 'feature';

const agent = new Agent({ connections: W + ENQUEUE_CONCURRENCY, keepAliveTimeout: 30_000, pipelining: 1 });
const key = loadPrivateKey(required(args, 'key'));
const developerToken = makeToken(key, { role: 'developer', upn: 'bench-developer' });

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
  if (res.statusCode !== expected) {
    throw new Error(`POST ${path} ${JSON.stringify(body)} -> ${res.statusCode} (expected ${expected}): ${text.slice(0, 500)}`);
  }
  return { status: res.statusCode, body: text ? JSON.parse(text) : null, ms };
}

/** Registers W workers directly in task-service's database and mints their tokens. */
async function registerWorkers(db) {
  const workers = [];
  for (let i = 0; i < W; i++) {
    const id = randomUUID();
    await db.query(
      `INSERT INTO task.workers (id, worker_type, max_concurrent_tasks, status, updated_at)
       VALUES ($1, 'feature', 10, 'idle', now())`,
      [id],
    );
    workers.push({ id, token: makeToken(key, { sub: id, upn: `bench-worker-${i}`, role: 'worker' }) });
  }
  return workers;
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
    const r = await db.query('SELECT count(*)::int AS n FROM task.work_orders');
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

/** W worker clients claim (max per call) and complete until `total` orders are done. */
async function drain(workers, max, total) {
  const seen = new Set();
  const latencies = [];
  let claimed = 0;
  let completed = 0;
  let emptyClaims = 0;
  let duplicates = 0;
  let retried = 0;
  let lastDone = 0;
  const cpu0 = cpuSnapshot(SERVICE_PID);
  const t0 = now();
  const deadline = t0 + TIMEOUT_MS;
  const loop = async (worker) => {
    while (claimed < total) {
      if (now() > deadline) throw new Error(`drain timed out: ${completed}/${total} completed after ${TIMEOUT_MS} ms`);
      const { body: orders, ms } = await post('/api/work-orders/claim', worker.token, { queues: [QUEUE], max, waitSeconds: 1 }, 200);
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
        await post(`/api/work-orders/${order.id}/complete`, worker.token, { result: { ok: true }, exitCode: 0 }, 200);
        completed++;
        lastDone = now();
      }
    }
  };
  await Promise.all(workers.map(loop));
  const cpu = cpuUse(cpu0, cpuSnapshot(SERVICE_PID), completed);
  return summarize({
    done: completed,
    wallMs: lastDone - t0,
    latencies,
    extra: { max, claims_with_work: latencies.length, empty_claims: emptyClaims, duplicate_claims: duplicates,
      retried_orders: retried, cpu },
  });
}

async function phase(db, workers, name, max) {
  if (WARMUP > 0) {
    await enqueue(WARMUP, `${name}-warmup`); // untimed: JIT, connection pools, caches
    await awaitDispatch(db);
    await drain(workers, max, WARMUP);
  }
  const enqueueMs = await enqueue(N, name);
  const dispatchWaitMs = await awaitDispatch(db);
  log(`agentyard ${name}: created ${N} tasks in ${enqueueMs.toFixed(0)} ms (${(N / (enqueueMs / 1000)).toFixed(0)}/s); draining with ${W} workers, max ${max}`);
  const backlogBefore = await outboxBacklog(db);
  const r = await drain(workers, max, N);
  r.outbox_backlog = { drain_start: backlogBefore, drain_end: await outboxBacklog(db) };
  r.enqueue_ms = Number(enqueueMs.toFixed(1));
  r.enqueue_per_s = Number((N / (enqueueMs / 1000)).toFixed(1));
  r.dispatch_wait_ms = dispatchWaitMs == null ? null : Number(dispatchWaitMs.toFixed(1));
  log(`agentyard ${name}: ${r.per_s} orders/s, claim p50 ${r.latency_ms.p50} ms p99 ${r.latency_ms.p99} ms, ` +
      `${r.empty_claims} empty claims, ${r.duplicate_claims} duplicates`);
  return r;
}

main(async () => {
  const db = new pg.Client({ connectionString: DB });
  await db.connect();
  const result = { name: 'Agentyard', n: N, w: W, warmup: WARMUP, phases: {} };
  try {
    const workers = await registerWorkers(db);
    result.phases.single = await phase(db, workers, 'single', 1);
    result.phases.batch = await phase(db, workers, 'batch', 10);
  } finally {
    await db.end();
    await agent.close();
  }
  await emit(result, args.out);
}, TIMEOUT_MS * 4 + 120_000);
