// BullMQ reference: add N jobs (timed separately), then one Worker with concurrency W runs
// no-op jobs until all N have completed. Everything lives under --prefix and is removed at the end.
//
//   node bullmq.mjs --redis redis://127.0.0.1:6379 --prefix bench:RUN:bull --n 2000 --w 16 [--out file.json]
import { Queue, Worker } from 'bullmq';
import { createRequire } from 'node:module';
import { cpuMeter, emit, log, main, now, parseArgs, required, summarize, withTimeout } from './stats.mjs';

const args = parseArgs();
const PREFIX = required(args, 'prefix');
const redisUrl = new URL(args.redis ?? 'redis://127.0.0.1:6379');
const N = Number(args.n ?? 2000);
const W = Number(args.w ?? 16);
const WARMUP = Number(args.warmup ?? 200);
const COMMS = (args.comms ?? 'redis-server').split(',').filter(Boolean); // Redis's CPU (shared with anyone else using it)
const TIMEOUT_MS = Number(args['timeout-s'] ?? 300) * 1000;
const VERSION = createRequire(import.meta.url)('bullmq/package.json').version;
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null };

async function addJobs(queue, count) {
  const t0 = now();
  const CHUNK = 500;
  for (let i = 0; i < count; i += CHUNK) {
    const jobs = [];
    for (let j = i; j < Math.min(count, i + CHUNK); j++) jobs.push({ name: 'noop', data: { i: j } });
    await queue.addBulk(jobs);
  }
  return now() - t0;
}

/** Starts a Worker (concurrency W) and resolves when `count` jobs have completed. */
async function drain(queueName, count) {
  let completed = 0;
  let failed = 0;
  let lastDone = 0;
  let t0 = 0;
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  const worker = new Worker(queueName, async () => {}, { connection, prefix: PREFIX, concurrency: W, autorun: false });
  worker.on('completed', () => {
    completed++;
    lastDone = now();
    if (completed + failed >= count) resolveDone();
  });
  worker.on('failed', (_job, err) => {
    failed++;
    log('bullmq job failed:', err?.message);
    if (completed + failed >= count) resolveDone();
  });
  worker.on('error', (err) => log('bullmq worker error:', err.message));
  await worker.waitUntilReady();
  const meter = cpuMeter({ comms: COMMS });
  t0 = now();
  worker.run().catch((err) => log('bullmq worker.run:', err.message));
  let cpu;
  try {
    await withTimeout(done, TIMEOUT_MS, 'BullMQ drain');
    cpu = meter.stop(completed);
  } finally {
    await worker.close(true);
  }
  if (failed) throw new Error(`${failed} BullMQ jobs failed`);
  return summarize({ done: completed, wallMs: lastDone - t0, extra: { cpu } });
}

main(async () => {
  const queueName = 'bench';
  const queue = new Queue(queueName, { connection, prefix: PREFIX });
  const result = { name: 'BullMQ', version: VERSION, n: N, w: W, phases: {} };
  try {
    await queue.waitUntilReady();
    if (WARMUP > 0) {
      await addJobs(queue, WARMUP); // untimed: loads the Lua scripts, opens connections
      await drain(queueName, WARMUP);
    }
    const enqueueMs = await addJobs(queue, N);
    log(`BullMQ: added ${N} jobs in ${enqueueMs.toFixed(0)} ms; draining with concurrency ${W}`);
    const r = await drain(queueName, N);
    r.enqueue_ms = Number(enqueueMs.toFixed(1));
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'completed', 'failed');
    r.counts_after = counts;
    if (counts.wait || counts.active || counts.delayed || counts.prioritized) throw new Error(`jobs left: ${JSON.stringify(counts)}`);
    log(`BullMQ: ${r.per_s} jobs/s`);
    result.phases.single = r;
  } finally {
    await queue.obliterate({ force: true }).catch((err) => log('obliterate:', err.message));
    await queue.close();
  }
  await emit(result, args.out);
}, TIMEOUT_MS * 2 + 60_000);
