// graphile-worker reference: add N jobs (timed separately), then one runner with concurrency W runs
// no-op jobs until all N are completed (deleted from its queue). Two phases, each on fresh jobs:
//   single: graphile-worker's defaults (each worker fetches one job, each completion its own query);
//   batch:  its batching options: localQueue.size W + 1 (the pool fetches and locks that many jobs per
//           query; W + 1 is its documentation's starting point, and it warns when the size is below
//           the concurrency) and completeJobBatchDelay 0 (the completions of one tick in one query).
//
//   node graphile.mjs --db postgres://postgres@127.0.0.1:5432/db --n 2000 --w 16 [--warmup 200] [--out file.json]
import { basename } from 'node:path';
import { createRequire } from 'node:module';
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import { cpuMeter, emit, log, main, now, parseArgs, required, summarize, withTimeout } from './stats.mjs';

const args = parseArgs();
const DB = required(args, 'db');
const DB_NAME = basename(new URL(DB).pathname);
const N = Number(args.n ?? 2000);
const W = Number(args.w ?? 16);
const WARMUP = Number(args.warmup ?? 200);
const TIMEOUT_MS = Number(args['timeout-s'] ?? 300) * 1000;
const VERSION = createRequire(import.meta.url)('graphile-worker/package.json').version;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const logger = new Logger(() => (level, message) => { if (level === 'error' || level === 'warning') log('graphile-worker:', message); });

const PHASES = {
  single: {},
  batch: { localQueue: { size: W + 1 }, completeJobBatchDelay: 0 },
};

async function addJobs(utils, task, count) {
  const t0 = now();
  const CHUNK = 1000;
  for (let i = 0; i < count; i += CHUNK) {
    const specs = [];
    for (let j = i; j < Math.min(count, i + CHUNK); j++) specs.push({ identifier: task, payload: { i: j } });
    await utils.addJobs(specs);
  }
  return now() - t0;
}

const left = async (utils) => utils.withPgClient(async (c) =>
  Number((await c.query('select count(*) from graphile_worker._private_jobs')).rows[0].count));

/** Runs a runner (concurrency W) until `total` jobs ran and the queue is empty; the runner is stopped. */
async function drain(utils, phase, total) {
  let ran = 0;
  let lastRan = 0;
  let resolveRan;
  const allRan = new Promise((r) => (resolveRan = r));
  const meter = cpuMeter({ dbs: [DB_NAME] });
  const t0 = now();
  const runner = await run({
    connectionString: DB, concurrency: W, maxPoolSize: W + 2, noHandleSignals: true, logger,
    preset: { worker: PHASES[phase] },
    taskList: {
      noop: async () => {
        ran++;
        lastRan = now();
        if (ran >= total) resolveRan();
      },
    },
  });
  let wallMs;
  let cpu;
  try {
    await withTimeout(allRan, TIMEOUT_MS, `graphile-worker drain ${phase}`);
    // a job is done when its completion has deleted it (completions are not awaited by the worker)
    while ((await left(utils)) > 0) {
      if (now() - t0 > TIMEOUT_MS) throw new Error('graphile-worker: jobs left after the drain');
      await sleep(2);
    }
    wallMs = now() - t0;
    cpu = meter.stop(ran); // before the runner's connections close
  } finally {
    await runner.stop();
  }
  return summarize({ done: ran, wallMs, extra: { last_handler_ms: Number((lastRan - t0).toFixed(1)), cpu } });
}

main(async () => {
  const utils = await makeWorkerUtils({ connectionString: DB, logger });
  await utils.migrate();
  const result = { name: 'graphile-worker', version: VERSION, n: N, w: W, phases: {} };
  try {
    for (const phase of Object.keys(PHASES)) {
      if (WARMUP > 0) {
        await addJobs(utils, 'noop', WARMUP);
        await drain(utils, phase, WARMUP);
      }
      const enqueueMs = await addJobs(utils, 'noop', N);
      await utils.withPgClient((c) => c.query('CHECKPOINT'));
      log(`graphile-worker: added ${N} jobs in ${enqueueMs.toFixed(0)} ms; draining with concurrency ${W} (${phase}: ${JSON.stringify(PHASES[phase])})`);
      const r = await drain(utils, phase, N);
      r.options = PHASES[phase];
      r.enqueue_ms = Number(enqueueMs.toFixed(1));
      log(`graphile-worker ${phase}: ${r.per_s} jobs/s; cpu ${JSON.stringify(r.cpu)}`);
      result.phases[phase] = r;
    }
  } finally {
    await utils.release();
  }
  await emit(result, args.out);
}, TIMEOUT_MS * 4 + 60_000);
