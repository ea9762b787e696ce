// Wake-up latency: C idle claimers wait for work; a creator makes tasks one by one on a schedule of
// R per second (each sent at its time, at most 8 in flight, so a slow create does not lower the
// rate); for each task, the time from the create call's answer to the moment a claimer has it.
//   agentyard: C workers (rows in task.workers, status idle, one token each), each looping
//              POST /api/work-orders/claim {queues: [feature], max: 1, waitSeconds: 30} and completing
//              what it gets at once; the creator POSTs /api/tasks (developer token). Latency = the
//              claim's answer - the create's answer (the order's payload.taskId names its task).
//   pgboss:    a consumer PgBoss with its defaults and C work() calls (each a poller with pg-boss's
//              default pollingIntervalSeconds 2, batchSize 1); a producer PgBoss sends. Latency = the
//              handler's start - send()'s answer.
//   graphile:  one runner with concurrency C (C job slots, LISTEN/NOTIFY, default pollInterval 2 s,
//              pool of --pool connections); the creator is a WorkerUtils addJob(). Latency = the
//              handler's start - addJob()'s answer.
// Before the creator starts, the claimers sit idle for --idle-s seconds: the CPU that costs (the
// service, PostgreSQL, this driver). Then --warmup tasks, untimed, then --tasks timed ones.
//
//   node wakeup.mjs --system agentyard --base http://127.0.0.1:PORT --db postgres://.../DB --key private.pem \
//        --service-pid PID [--claimers 1000] [--rate 50] [--tasks 1500] [--warmup 250] [--idle-s 20] [--out f.json]
//   node wakeup.mjs --system pgboss|graphile --db postgres://.../DB [same knobs]
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { setMaxListeners } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { Agent, request } from 'undici';
import { cpuMeter, emit, log, main, now, parseArgs, percentile, required, warmedUp } from './stats.mjs';

const args = parseArgs();
const SYSTEM = required(args, 'system');
const DB = required(args, 'db');
const DB_NAME = basename(new URL(DB).pathname);
const CLAIMERS = Number(args.claimers ?? 1000);
const RATE = Number(args.rate ?? 50);
const TASKS = Number(args.tasks ?? 1500);
const WARMUP = Number(args.warmup ?? 250);
// Warm-up rounds of WARMUP tasks at WARMUP_RATE, repeated (up to WARMUP_ROUNDS_MAX) until the service's
// JIT compiler used under JIT_QUIET of its CPU in JIT_QUIET_ROUNDS rounds in a row (stats.mjs): the timed
// part then measures a warm service.
const WARMUP_RATE = Number(args['warmup-rate'] ?? RATE * 4);
const WARMUP_ROUNDS_MAX = Number(args['warmup-rounds-max'] ?? 16);
const IDLE_S = Number(args['idle-s'] ?? 20);
const SETTLE_S = Number(args['settle-s'] ?? 5);
const POOL = Number(args.pool ?? 10);
const SERVICE_PID = args['service-pid'] ? Number(args['service-pid']) : null;
const TIMEOUT_MS = Number(args['timeout-s'] ?? 300) * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const require = createRequire(import.meta.url);
const r2 = (x) => (x == null ? null : Number(x.toFixed(2)));

// taskKey -> { sent, answered, claimed, timed }
const tasks = new Map();
let claimsAnswered = 0; // claim answers (Agentyard) / handler runs (others), for the idle figures
let claimedUnknown = 0;
let duplicates = 0;
const claimedEarly = new Map(); // a claim can answer before its create's answer is read
function claimed(key, at) {
  const t = tasks.get(key);
  if (!t) {
    if (claimedEarly.has(key)) duplicates++;
    claimedEarly.set(key, at);
    return;
  }
  if (t.claimed != null) duplicates++;
  else t.claimed = at;
}
function created(key, sent, answered, timed) {
  const t = { sent, answered, claimed: claimedEarly.get(key) ?? null, timed };
  claimedEarly.delete(key);
  tasks.set(key, t);
}

// --- Agentyard --------------------------------------------------------------------------------
async function agentyard() {
  const { loadPrivateKey, makeToken } = await import('./jwt.mjs');
  const { registerWorkers, withoutRefusedField } = await import('./workers.mjs');
  const BASE = required(args, 'base');
  const key = loadPrivateKey(required(args, 'key'));
  const developer = makeToken(key, { role: 'developer', upn: 'bench-developer', ttlSeconds: 4 * 3600 });
  const claimAgent = new Agent({ connections: CLAIMERS + 8, keepAliveTimeout: 60_000, pipelining: 1 });
  const createAgent = new Agent({ connections: 2, keepAliveTimeout: 60_000, pipelining: 1 });
  const abort = new AbortController();
  setMaxListeners(CLAIMERS * 2 + 16, abort.signal); // one listener per request in flight
  // completions carry the claim's fencing token ("attempt") unless the service refuses the field (older builds)
  const sends = { attempt: true };
  const post = async (agent, path, token, body, timeoutMs = 45_000) => {
    const res = await request(BASE + path, {
      method: 'POST', dispatcher: agent, signal: abort.signal,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body), headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    const retry = withoutRefusedField(sends, { attempt: 'completions go without it' }, res.statusCode, text, body);
    if (retry) return post(agent, path, token, retry, timeoutMs);
    if (res.statusCode >= 300) throw new Error(`POST ${path} -> ${res.statusCode}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };

  const db = new pg.Client({ connectionString: DB });
  await db.connect();
  const workers = await registerWorkers(db, key, CLAIMERS, { name: 'bench-wake', ttlSeconds: 4 * 3600 });
  await db.end();

  let stopping = false;
  let failure = null;
  let inFlight = 0;
  let hungClaims = 0;
  const loop = async (w) => {
    while (!stopping) {
      inFlight++;
      let orders;
      try {
        // a claim waits up to 30 s; one unanswered 10 s past that is counted as hung and asked again
        orders = await post(claimAgent, '/api/work-orders/claim', w.token, { queues: ['feature'], max: 1, waitSeconds: 30 }, 40_000);
      } catch (err) {
        if (stopping || !/HeadersTimeout|BodyTimeout/.test(err?.name ?? '')) throw err;
        hungClaims++;
        log(`a claim got no answer within 40 s (${hungClaims} so far): asking again`);
        continue;
      } finally {
        inFlight--;
      }
      const at = now();
      claimsAnswered++;
      for (const order of orders) {
        const taskId = order.payload?.taskId ?? order.taskId;
        claimed(taskId, at);
        await post(claimAgent, `/api/work-orders/${order.id}/complete`, w.token,
          sends.attempt ? { result: { ok: true }, exitCode: 0, attempt: order.attempt } : { result: { ok: true }, exitCode: 0 });
        const t = tasks.get(taskId);
        if (t) t.completed = now();
      }
    }
  };
  const loops = workers.map((w) => loop(w).catch((err) => {
    if (!stopping && !failure) { failure = err; log('claimer failed:', err.message); }
  }));
  return {
    describe: { claimers: CLAIMERS, claim: { max: 1, waitSeconds: 30 }, create: 'POST /api/tasks' },
    ready: async () => {
      const t0 = now();
      while (inFlight < CLAIMERS && now() - t0 < 30_000) await sleep(50);
      return inFlight;
    },
    failure: () => failure,
    attemptSent: () => sends.attempt,
    hungClaims: () => hungClaims,
    create: async (i, timed) => {
      const sent = now();
      const task = await post(createAgent, '/api/tasks', developer,
        { title: `wake ${i}`, taskType: 'feature', permissionLevel: 'autonomous', priority: 'normal' });
      created(task.id, sent, now(), timed);
    },
    stop: async () => {
      stopping = true;
      abort.abort();
      await Promise.allSettled(loops);
      await claimAgent.destroy().catch(() => {});
      await createAgent.destroy().catch(() => {});
    },
  };
}

// --- pg-boss ----------------------------------------------------------------------------------
async function pgboss() {
  const { default: PgBoss } = await import('pg-boss');
  const queue = 'wake';
  const producer = new PgBoss({ connectionString: DB, supervise: false, schedule: false });
  const consumer = new PgBoss({ connectionString: DB }); // pg-boss's defaults
  for (const b of [producer, consumer]) b.on('error', (err) => log('pg-boss error:', err.message));
  await producer.start();
  await consumer.start();
  await producer.createQueue(queue);
  claimsAnswered = null; // pg-boss does not tell its pollers' fetches
  for (let i = 0; i < CLAIMERS; i++) {
    await consumer.work(queue, async ([job]) => { claimed(job.id, now()); });
  }
  return {
    describe: { version: require('pg-boss/package.json').version, workers: CLAIMERS,
      work_options: 'defaults: pollingIntervalSeconds 2, batchSize 1; pool max 10 per instance',
      consumer: 'PgBoss defaults (supervise and schedule on)', create: 'producer PgBoss send()' },
    ready: async () => CLAIMERS,
    failure: () => null,
    create: async (i, timed) => {
      const sent = now();
      const id = await producer.send(queue, { i });
      created(id, sent, now(), timed);
    },
    stop: async () => {
      await consumer.stop({ graceful: false, wait: true, close: true }).catch(() => {});
      await producer.stop({ graceful: false, wait: true, close: true }).catch(() => {});
    },
  };
}

// --- graphile-worker ----------------------------------------------------------------------------
async function graphile() {
  const { Logger, makeWorkerUtils, run } = await import('graphile-worker');
  const logger = new Logger(() => (level, message) => { if (level === 'error') log('graphile-worker:', message); });
  const utils = await makeWorkerUtils({ connectionString: DB, logger });
  await utils.migrate();
  const runner = await run({
    connectionString: DB, concurrency: CLAIMERS, maxPoolSize: POOL, noHandleSignals: true, logger,
    taskList: { noop: async (_payload, helpers) => { claimed(String(helpers.job.id), now()); } },
  });
  runner.events.on('worker:getJob:empty', () => { claimsAnswered++; });
  return {
    describe: { version: require('graphile-worker/package.json').version, concurrency: CLAIMERS, max_pool_size: POOL,
      poll_interval_ms: 2000, wakeup: 'LISTEN/NOTIFY (jobs:insert), one idle worker nudged per job', create: 'WorkerUtils addJob()' },
    ready: async () => CLAIMERS,
    failure: () => null,
    create: async (i, timed) => {
      const sent = now();
      const job = await utils.addJob('noop', { i });
      created(String(job.id), sent, now(), timed);
    },
    stop: async () => {
      await runner.stop().catch(() => {});
      await utils.release().catch(() => {});
    },
  };
}

// -----------------------------------------------------------------------------------------------
/** With BENCH_WAKE_DUMP, the service's /q/metrics around the timed part (diff them for its group commit's figures). */
async function dumpMetrics(when) {
  if (!process.env.BENCH_WAKE_DUMP || !args.base) return;
  const res = await request(`${args.base}/q/metrics`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  writeFileSync(`${process.env.BENCH_WAKE_DUMP}-metrics-${when}.txt`, await res.body.text());
}

function latencyStats(values) {
  return { samples: values.length, p50: r2(percentile(values, 50)), p90: r2(percentile(values, 90)),
    p99: r2(percentile(values, 99)), max: r2(percentile(values, 100)), min: r2(percentile(values, 0.0001)) };
}

/**
 * Creates `count` tasks, each alone, on a schedule of RATE per second: each create is sent at its
 * time whether or not the previous one has answered (at most MAX_IN_FLIGHT at once; a late one goes
 * as soon as one answers), so a slow create does not lower the rate. Stops early after the timeout.
 * Returns { ms, created }.
 */
const MAX_IN_FLIGHT = Number(args['max-in-flight'] ?? 8);
let peakInFlight = 0;
async function paced(sys, from, count, timed, rate = RATE) {
  const interval = 1000 / rate;
  const t0 = now();
  const inFlight = new Set();
  let failure = null;
  let i = 0;
  for (; i < count && now() - t0 < TIMEOUT_MS; i++) {
    const wait = t0 + i * interval - now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    if (failure || sys.failure()) throw failure ?? sys.failure();
    const p = sys.create(from + i, timed).catch((err) => { failure = failure ?? err; })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    peakInFlight = Math.max(peakInFlight, inFlight.size);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  if (i < count) log(`wakeup ${SYSTEM}: stopped creating after ${i} of ${count} tasks (${TIMEOUT_MS} ms)`);
  return { ms: now() - t0, created: i };
}

main(async () => {
  const sys = await { agentyard, pgboss, graphile }[SYSTEM]?.();
  if (!sys) throw new Error(`unknown --system ${SYSTEM}`);
  const result = { system: SYSTEM, claimers: CLAIMERS, rate_per_s: RATE, tasks: TASKS, warmup: WARMUP, ...sys.describe };
  try {
    const waiting = await sys.ready();
    result.claimers_waiting = waiting;
    log(`wakeup ${SYSTEM}: ${waiting} claimers waiting; settling ${SETTLE_S} s, then ${IDLE_S} s idle`);
    await sleep(SETTLE_S * 1000);
    const answers0 = claimsAnswered;
    const idle = cpuMeter({ servicePid: SERVICE_PID, dbs: [DB_NAME] });
    await sleep(IDLE_S * 1000);
    // Agentyard: claims answered empty; graphile-worker: job fetches that found none
    result.idle = { seconds: IDLE_S, ...idle.stop(),
      empty_answers_per_s: claimsAnswered == null ? null : r2((claimsAnswered - answers0) / IDLE_S) };
    log(`wakeup ${SYSTEM}: idle ${JSON.stringify(result.idle)}`);
    if (sys.failure()) throw sys.failure();

    result.warmup_rounds = [];
    for (let round = 1; WARMUP > 0 && round <= WARMUP_ROUNDS_MAX; round++) {
      const warm = cpuMeter({ servicePid: SERVICE_PID, dbs: [DB_NAME] });
      await paced(sys, (round - 1) * WARMUP, WARMUP, false, WARMUP_RATE);
      const settle = now() + 30_000;
      while ([...tasks.values()].some((t) => t.claimed == null) && now() < settle) await sleep(50);
      const cpu = warm.stop(WARMUP);
      const jitShare = cpu.service_jit_share;
      result.warmup_rounds.push({ round, service_cpu_ms_per_unit: cpu.service_cpu_ms_per_unit, jit_share: jitShare });
      log(`wakeup ${SYSTEM}: warm-up round ${round} (${WARMUP} tasks at ${WARMUP_RATE}/s): JIT share ${jitShare == null ? '–' : jitShare.toFixed(2)}`);
      if (warmedUp(result.warmup_rounds.map((w) => w.jit_share))) break;
    }
    await sleep(1000);
    const timedFrom = WARMUP * WARMUP_ROUNDS_MAX;
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    await dumpMetrics('before');
    const meter = cpuMeter({ servicePid: SERVICE_PID, dbs: [DB_NAME] });
    const { ms: createMs, created: createdCount } = await paced(sys, timedFrom, TASKS, true);
    const cpu = meter.stop(createdCount);
    lag.disable();
    const timed = () => [...tasks.values()].filter((t) => t.timed);
    const deadline = now() + Math.min(TIMEOUT_MS, 60_000);
    while (timed().some((t) => t.claimed == null) && now() < deadline) await sleep(50);
    await dumpMetrics('after');
    const all = timed();
    const done = all.filter((t) => t.claimed != null);
    const fromAnswer = done.map((t) => t.claimed - t.answered);
    if (process.env.BENCH_WAKE_DUMP) writeFileSync(`${process.env.BENCH_WAKE_DUMP}-${SYSTEM}.json`,
      JSON.stringify({ origin: performance.timeOrigin, samples: done.map((t) => [t.sent, t.answered, t.claimed, t.completed ?? null]) }));
    Object.assign(result, {
      created: createdCount,
      achieved_rate_per_s: r2(createdCount / (createMs / 1000)),
      creates_in_flight_peak: peakInFlight,
      claimed: done.length, not_claimed: all.length - done.length, duplicate_claims: duplicates,
      claimed_unknown: claimedUnknown + claimedEarly.size,
      latency_ms: latencyStats(fromAnswer),
      claimed_before_create_answer: fromAnswer.filter((x) => x < 0).length,
      latency_from_create_sent_ms: latencyStats(done.map((t) => t.claimed - t.sent)),
      create_ms: latencyStats(all.map((t) => t.answered - t.sent)),
      cpu,
      driver_event_loop_delay_ms: { p50: r2(lag.percentile(50) / 1e6), p99: r2(lag.percentile(99) / 1e6), max: r2(lag.max / 1e6) },
    });
    if (sys.attemptSent) result.attempt_sent = sys.attemptSent();
    if (sys.hungClaims) result.hung_claims = sys.hungClaims();
    log(`wakeup ${SYSTEM}: p50 ${result.latency_ms.p50} ms p99 ${result.latency_ms.p99} ms max ${result.latency_ms.max} ms; ` +
        `${result.not_claimed} not claimed; cpu ${JSON.stringify(cpu)}`);
    if (result.not_claimed) throw new Error(`${result.not_claimed} of ${createdCount} tasks not claimed within 60 s of the last create`);
  } finally {
    await sys.stop();
  }
  await emit(result, args.out);
}, TIMEOUT_MS * 2 + 120_000);
