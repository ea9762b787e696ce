// pg-boss reference: insert N jobs (timed separately), then W concurrent workers
// fetch + complete until the queue is drained. Runs once with batchSize 1 and once with 10.
//
//   node pgboss.mjs --db postgres://postgres@127.0.0.1:5432/db --n 2000 --w 16 [--out file.json]
import PgBoss from 'pg-boss';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { cpuMeter, emit, log, main, now, parseArgs, required, summarize, withTimeout } from './stats.mjs';

const args = parseArgs();
const DB = required(args, 'db');
const DB_NAME = basename(new URL(DB).pathname);
const N = Number(args.n ?? 2000);
const W = Number(args.w ?? 16);
const WARMUP = Number(args.warmup ?? 200);
const TIMEOUT_MS = Number(args['timeout-s'] ?? 300) * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const VERSION = createRequire(import.meta.url)('pg-boss/package.json').version;

async function enqueue(boss, queue, count) {
  const t0 = now();
  const CHUNK = 500;
  for (let i = 0; i < count; i += CHUNK) {
    const jobs = [];
    for (let j = i; j < Math.min(count, i + CHUNK); j++) jobs.push({ name: queue, data: { i: j } });
    await boss.insert(jobs);
  }
  return now() - t0;
}

/**
 * W loops: fetch up to `batch` jobs, complete them (one call), until `total` jobs are done or the
 * timeout has passed: then the loops stop and the result covers the jobs done so far (timed_out).
 */
async function drain(boss, queue, batch, total) {
  let fetched = 0;
  let completed = 0;
  let emptyFetches = 0;
  let lastDone = 0;
  const latencies = [];
  const meter = cpuMeter({ dbs: [DB_NAME] });
  const t0 = now();
  const deadline = t0 + TIMEOUT_MS;
  const worker = async () => {
    while (fetched < total && now() < deadline) {
      const f0 = now();
      const jobs = await boss.fetch(queue, { batchSize: batch });
      const f1 = now();
      if (jobs.length === 0) {
        emptyFetches++; // normal at the very end: other loops hold the last jobs
        await sleep(5);
        continue;
      }
      latencies.push(f1 - f0);
      fetched += jobs.length;
      if (batch === 1) await boss.complete(queue, jobs[0].id);
      else await boss.complete(queue, jobs.map((j) => j.id));
      completed += jobs.length;
      lastDone = now();
    }
  };
  // a loop stops at the deadline once its fetch and completion return; a hung call is bounded here
  await withTimeout(Promise.all(Array.from({ length: W }, worker)), TIMEOUT_MS + 60_000, `pg-boss drain batch=${batch}`);
  const cpu = meter.stop(completed);
  const timedOut = completed < total;
  if (timedOut) log(`pg-boss batch=${batch}: timed out after ${TIMEOUT_MS} ms with ${completed} of ${total} jobs done`);
  return summarize({ done: completed, wallMs: lastDone - t0, latencies,
    extra: { batch, empty_fetches: emptyFetches, timed_out: timedOut, total, cpu } });
}

main(async () => {
  // Pool: one connection per worker loop plus a little headroom; no background maintenance.
  const boss = new PgBoss({ connectionString: DB, max: W + 2, supervise: false, schedule: false });
  boss.on('error', (err) => log('pg-boss error:', err.message));
  await boss.start();
  const result = { name: 'pg-boss', version: VERSION, n: N, w: W, phases: {} };
  try {
    for (const batch of [1, 10]) {
      const queue = `bench-batch-${batch}`;
      await boss.createQueue(queue);
      if (WARMUP > 0) {
        await enqueue(boss, queue, WARMUP); // untimed: opens the pool's connections, warms caches
        await drain(boss, queue, batch, WARMUP);
      }
      const enqueueMs = await enqueue(boss, queue, N);
      log(`pg-boss: inserted ${N} jobs into ${queue} in ${enqueueMs.toFixed(0)} ms; draining with ${W} workers, batchSize ${batch}`);
      const r = await drain(boss, queue, batch, N);
      r.enqueue_ms = Number(enqueueMs.toFixed(1));
      const left = await boss.getQueueSize(queue);
      if (left !== 0 && !r.timed_out) throw new Error(`${left} jobs still queued in ${queue}`);
      r.left_in_queue = left;
      log(`pg-boss batch=${batch}: ${r.per_s} jobs/s, fetch p50 ${r.latency_ms.p50} ms p99 ${r.latency_ms.p99} ms`);
      result.phases[batch === 1 ? 'single' : 'batch'] = r;
    }
  } finally {
    await boss.stop({ graceful: false, wait: true, close: true }).catch(() => {});
  }
  await emit(result, args.out);
}, TIMEOUT_MS * 2 + 60_000);
