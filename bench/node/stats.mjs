// Shared helpers for the benchmark drivers: timing, percentiles, bounded concurrency, output.
import { readdirSync, readFileSync } from 'node:fs';
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

// --- CPU of the parties (Linux /proc) ----------------------------------------------------------

const TICKS = 100; // USER_HZ

/** A process's CPU time in ms (all its threads): /proc/PID/stat utime+stime; null when gone. */
export function procCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return null;
  }
}

/** A single-threaded process's (or, given `PID/task/TID`, a thread's) CPU time in ms to the nanosecond (/proc/…/schedstat); null when gone. */
function runMs(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return procCpuMs(pid);
  }
}

/**
 * The service's JIT compiler threads (HotSpot's "C1 CompilerThre…"/"C2 CompilerThre…"), as
 * `PID/task/TID` paths under /proc that runMs reads like a pid. They come and go (the JVM adds them
 * under load), so they are sampled like backends.
 */
function compilerThreads(pid) {
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tids.map((tid) => `${pid}/task/${tid}`).filter((thread) => {
    try {
      return /^C[12] CompilerThre/.test(readFileSync(`/proc/${thread}/comm`, 'utf8'));
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** Below this share of the service's CPU, its JIT compiler counts as quiet (the service is warm). */
export const JIT_QUIET = 0.1;
/**
 * Quiet rounds in a row that end a warm-up. One was not enough: the compiler's share of a round
 * swings (57 → 46 → 55 → 29 → 52 → 10 → 2 %), and after one quiet round it still took 60 % of a
 * 0.9 s timed drain's CPU.
 */
export const JIT_QUIET_ROUNDS = 2;

/** Whether a warm-up whose rounds had these JIT shares (oldest first) may end: unknown, or quiet long enough. */
export function warmedUp(jitShares) {
  const last = jitShares.at(-1);
  if (last == null) return true;
  const recent = jitShares.slice(-JIT_QUIET_ROUNDS);
  return recent.length === JIT_QUIET_ROUNDS && recent.every((share) => share != null && share < JIT_QUIET);
}

function machineTicks() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { total, busy: total - cpu[3] - (cpu[4] || 0) };
}

/**
 * Processes by title: PostgreSQL backends and autovacuum workers of the given databases (their
 * process title names the database) plus the shared WAL writer, checkpointer and background writer;
 * and processes whose command name is one of `comms` (e.g. pgbench, redis-server). Other
 * databases' backends (other people's work on this machine) are left out.
 */
function pidScanner(dbs, comms) {
  const kind = new Map(); // pid -> 'pg' | 'other' | null, decided once from its title
  const classify = (pid) => {
    let cmd;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      return undefined; // gone
    }
    if (cmd.startsWith('postgres: ')) {
      const words = cmd.split(/\s+/);
      if (dbs.some((db) => words.includes(db)) || /: (walwriter|checkpointer|background writer)\s*$/.test(cmd)) return 'pg';
      return undefined; // a backend's title names its database only once connected: asked again next time
    }
    if (!comms.length) return null;
    try {
      return comms.includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()) ? 'other' : null;
    } catch {
      return undefined;
    }
  };
  return () => {
    const pg = [];
    const other = [];
    for (const name of readdirSync('/proc')) {
      if (name.charCodeAt(0) > 57) continue; // not a pid
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      let k = kind.get(pid);
      if (k === undefined) {
        k = classify(pid);
        if (k !== undefined) kind.set(pid, k);
      }
      if (k === 'pg') pg.push(pid);
      else if (k === 'other') other.push(pid);
    }
    return { pg, other };
  };
}

/**
 * Measures who used the CPU over an interval: the service (one pid, all threads), PostgreSQL's
 * processes for `dbs` (sampled every `everyMs`, so backends that come and go are counted up to
 * their last sample: up to `everyMs` of a backend that ends before stop() is missed), processes named in `comms`, this Node process, and the whole machine.
 *   const m = cpuMeter({ servicePid, dbs: ['bench_x_task'] }); ...; const cpu = m.stop(units);
 */
export function cpuMeter({ servicePid = null, dbs = [], comms = [], everyMs = 100 } = {}) {
  const t0 = now();
  const machine0 = machineTicks();
  const node0 = process.cpuUsage();
  const service0 = servicePid ? procCpuMs(servicePid) : null;
  const pg = new Map(); // pid -> [first seen ms, last seen ms]
  const other = new Map();
  const jit = new Map(); // compiler thread -> [first seen ms, last seen ms]
  const scan = pidScanner(dbs, comms);
  const sample = () => {
    const { pg: pgPids, other: otherPids } = scan();
    const jitThreads = servicePid ? compilerThreads(servicePid) : [];
    for (const [pids, into] of [[pgPids, pg], [otherPids, other], [jitThreads, jit]]) {
      for (const pid of pids) {
        const ms = runMs(pid);
        if (ms == null) continue;
        const seen = into.get(pid);
        if (seen) seen[1] = ms;
        else into.set(pid, [ms, ms]);
      }
    }
  };
  sample();
  // a backend first seen after the start began during the interval: its whole time counts
  const started = new Set([...pg.keys(), ...other.keys(), ...jit.keys()]);
  const timer = setInterval(() => {
    const before = new Set([...pg.keys(), ...other.keys(), ...jit.keys()]);
    sample();
    for (const into of [pg, other, jit]) for (const [pid, seen] of into) if (!before.has(pid) && !started.has(pid)) seen[0] = 0;
  }, everyMs);
  timer.unref();
  return {
    stop(units = null) {
      clearInterval(timer);
      sample();
      const wallMs = now() - t0;
      const machine1 = machineTicks();
      const node1 = process.cpuUsage(node0);
      const service1 = servicePid ? procCpuMs(servicePid) : null;
      const sum = (m) => [...m.values()].reduce((a, [first, last]) => a + (last - first), 0);
      const r = (x, d = 1) => (x == null || !Number.isFinite(x) ? null : Number(x.toFixed(d)));
      const serviceMs = service0 == null || service1 == null ? null : service1 - service0;
      const pgMs = sum(pg);
      const jitMs = servicePid ? sum(jit) : null;
      const otherMs = comms.length ? sum(other) : null;
      const driverMs = (node1.user + node1.system) / 1000;
      const total = machine1.total - machine0.total;
      const per = (ms) => (ms == null || !units ? null : r(ms / units, 3));
      const cores = (ms) => (ms == null ? null : r(ms / wallMs, 2));
      return {
        wall_ms: r(wallMs),
        machine_busy_pct: total > 0 ? r((100 * (machine1.busy - machine0.busy)) / total) : null,
        service_cpu_ms: r(serviceMs), service_cores: cores(serviceMs), service_cpu_ms_per_unit: per(serviceMs),
        // of the service's CPU, what its JIT compiler threads used (warm-up, not the work itself)
        service_jit_cpu_ms: r(jitMs), service_jit_cpu_ms_per_unit: per(jitMs),
        service_jit_share: jitMs == null || !serviceMs ? null : jitMs / serviceMs,
        postgres_cpu_ms: r(pgMs), postgres_cores: cores(pgMs), postgres_cpu_ms_per_unit: per(pgMs),
        driver_cpu_ms: r(driverMs), driver_cores: cores(driverMs), driver_cpu_ms_per_unit: per(driverMs),
        ...(comms.length ? { [comms.join('+') + '_cpu_ms']: r(otherMs), [comms.join('+') + '_cores']: cores(otherMs) } : {}),
      };
    },
  };
}
