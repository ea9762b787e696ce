// Shared helpers for the benchmark drivers: timing, percentiles, bounded concurrency, output.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export const now = () => performance.now(); // ms, monotonic

/** Nearest-rank percentile (p in 0..100) of an array of numbers; null when empty. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Summary of a drain: count done, wall time in ms and optional latency samples (ms). */
export function summarize({ done, wallMs, latencies = null, extra = {} }) {
  const round = (x, d = 2) => (x == null ? null : Number(x.toFixed(d)));
  return {
    done,
    wall_ms: round(wallMs, 1),
    per_s: round(done / (wallMs / 1000), 1),
    latency_ms: latencies
      ? {
          samples: latencies.length,
          p50: round(percentile(latencies, 50)),
          p99: round(percentile(latencies, 99)),
          max: round(percentile(latencies, 100)),
        }
      : null,
    ...extra,
  };
}

/** Runs fn(i) for i in [0, count) with at most `limit` calls in flight. */
export async function runLimited(count, limit, fn) {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}

/** Rejects when the promise has not settled within ms. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Parses `--name value` / `--flag` arguments into an object (values stay strings). */
export function parseArgs(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument: ${a}`);
    const key = a.slice(2);
    if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[key] = argv[++i];
    else out[key] = 'true';
  }
  return out;
}

export function required(args, name) {
  if (args[name] == null) throw new Error(`missing --${name}`);
  return args[name];
}

/** Logs progress to stderr (stdout is reserved for the JSON result). */
export const log = (...m) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...m);

/** Writes the result object as JSON to the --out file when given, and to stdout. */
export async function emit(result, outFile) {
  const json = JSON.stringify(result, null, 2);
  if (outFile) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(outFile, json + '\n');
  }
  console.log(json);
}

/** Runs main(), exiting non-zero with the message on failure, and bounded by a hard deadline. */
export function main(fn, hardTimeoutMs) {
  const killer = setTimeout(() => {
    log(`hard timeout after ${hardTimeoutMs} ms, exiting`);
    process.exit(3);
  }, hardTimeoutMs);
  killer.unref();
  fn().then(
    () => process.exit(0),
    (err) => {
      log('FAILED:', err?.stack || err);
      process.exit(1);
    },
  );
}

/**
 * CPU counters (Linux /proc, clock ticks): the machine's busy and total time, and optionally one
 * process's user+system time. Two snapshots give a run's CPU use; see cpuUse.
 */
export function cpuSnapshot(pid = null) {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = cpu[3] + (cpu[4] || 0);
    let proc = null;
    if (pid) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      proc = Number(fields[11]) + Number(fields[12]); // utime + stime
    }
    return { total, busy: total - idle, proc };
  } catch {
    return null;
  }
}

/** Machine CPU busy % between two snapshots, and the process's CPU ms per completed unit. */
export function cpuUse(before, after, units, ncpu = availableParallelism(), ticksPerSecond = 100) {
  if (!before || !after) return null;
  const total = after.total - before.total;
  const busyPct = total > 0 ? (100 * (after.busy - before.busy)) / total : null;
  const procMs = before.proc == null ? null : ((after.proc - before.proc) * 1000) / ticksPerSecond;
  return {
    machine_busy_pct: busyPct == null ? null : Number(busyPct.toFixed(1)),
    service_cpu_ms: procMs,
    service_cpu_ms_per_order: procMs == null || !units ? null : Number((procMs / units).toFixed(2)),
    service_cores_used: procMs == null ? null : Number((((after.proc - before.proc) / (total / ncpu))).toFixed(2)),
  };
}
