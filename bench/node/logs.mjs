// Log-ingest driver: execution-service's POST /api/executions/{id}/logs with W concurrent writers,
// FOLLOWERS live SSE followers measuring write -> delivery latency, and a raw COPY of the same rows
// into the same table (W concurrent COPY streams, pg-copy-streams on the pg driver) as reference.
//
//   node logs.mjs --base http://127.0.0.1:PORT --db postgres://postgres@127.0.0.1:5432/DB --key private.pem \
//        [--lines 200000] [--w 8] [--batch 500] [--followers 20] [--warmup 50000] \
//        [--cases "W:BATCH:LINES[:FOLLOWERS[:RATE]],..." | none] [--timeout-s 300] [--service-pid PID] [--out file.json]
//
// Runs an untimed warm-up (JIT), then the main case (W, BATCH, LINES, FOLLOWERS) and the scaling
// cases (by default LINES/2 lines each: at the main W and BATCH, at BATCH 100 and 1000, at W/4 and
// 2 x W, and at the main W and BATCH without followers; then LINES/4 lines paced at a quarter of
// the main case's API rate). Each case: API ingest with its followers on fresh executions, then
// (unless paced) COPY of as many generated lines into W other fresh executions. RATE (lines/s, 0 =
// as fast as the service answers) paces the writers: latency below saturation rather than queueing. Prints the result JSON on stdout.
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Agent, request } from 'undici';
import { loadPrivateKey, makeToken } from './jwt.mjs';
import { lineGenerator, metadataJson } from './loglines.mjs';
import { emit, log, main, parseArgs, percentile, required } from './stats.mjs';

const args = parseArgs();
const BASE = required(args, 'base');
const DB = required(args, 'db');
const LINES = Number(args.lines ?? 200000);
const W = Number(args.w ?? 8);
const BATCH = Number(args.batch ?? 500);
const FOLLOWERS = Number(args.followers ?? 20);
const WARMUP = Number(args.warmup ?? 50000);
const TIMEOUT_MS = Number(args['timeout-s'] ?? 300) * 1000;
const SERVICE_PID = args['service-pid'] ? Number(args['service-pid']) : null;
const NCPU = availableParallelism();
const TICKS = 100; // USER_HZ

for (const [k, v] of Object.entries({ LINES, W, BATCH, WARMUP })) {
  if (!Number.isInteger(v) || v < (k === 'WARMUP' ? 0 : 1)) throw new Error(`bad ${k}: ${v}`);
}
if (BATCH > 1000) throw new Error('BATCH is at most 1000 (the service answers 413 beyond)');

/** The scaling cases: explicit "W:BATCH:LINES[:FOLLOWERS]" list, "none", or the default set. */
function scalingCases() {
  const spec = args.cases ?? 'default';
  if (spec === 'none' || spec === '') return [];
  if (spec !== 'default') {
    return spec.split(/[ ,]+/).filter(Boolean).map((c) => {
      const [w, batch, lines, followers = FOLLOWERS, rate = 0] = c.split(':').map(Number);
      if (![w, batch, lines].every((x) => Number.isInteger(x) && x >= 1) || batch > 1000
          || ![followers, rate].every((x) => Number.isInteger(x) && x >= 0)) throw new Error(`bad case ${c}`);
      return { w, batch, lines, followers, rate };
    });
  }
  const half = Math.max(1000, Math.round(LINES / 2));
  const out = [];
  const add = (w, batch, lines, followers = FOLLOWERS) => {
    if (!out.some((c) => c.w === w && c.batch === batch && c.lines === lines && c.followers === followers)) {
      out.push({ w, batch, lines, followers, rate: 0 });
    }
  };
  add(W, BATCH, half);
  for (const batch of [100, 1000]) if (batch !== BATCH) add(W, batch, half);
  for (const w of [Math.max(1, Math.round(W / 4)), W * 2]) if (w !== W) add(w, BATCH, half);
  if (FOLLOWERS > 0) {
    add(W, BATCH, half, 0); // the ingest alone: what the followers cost
    // below saturation: a quarter of the main case's rate (set once it is known)
    out.push({ w: W, batch: BATCH, lines: Math.max(1000, Math.round(LINES / 4)), followers: FOLLOWERS, rateOfMain: 0.25 });
  }
  return out;
}

const key = loadPrivateKey(required(args, 'key'));
const ownerId = randomUUID();
const ownerToken = makeToken(key, { sub: ownerId, upn: 'bench-owner', role: 'developer', ttlSeconds: 6 * 3600 });
const origin = performance.timeOrigin + performance.now(); // epoch ms; the send stamps count from here
const clock = () => performance.timeOrigin + performance.now() - origin;
const round = (x, d = 1) => (x == null || !Number.isFinite(x) ? null : Number(x.toFixed(d)));
const runTag = randomUUID().slice(0, 8);
let seed = 1;

// --- CPU accounting (Linux /proc) ------------------------------------------------------------
function procTicks(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null; // ended
  }
}

/** A single-threaded process's CPU time in ms, to the nanosecond (/proc/PID/schedstat); null when gone. */
function procRunMs(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const ticks = procTicks(pid);
    return ticks == null ? null : (ticks * 1000) / TICKS;
  }
}

function machineTicks() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { total, busy: total - cpu[3] - (cpu[4] || 0) };
}

/**
 * PostgreSQL processes that work for this run: the backends of the bench database (the service's
 * pool, the COPY connections, autovacuum on it) and the shared WAL writer, checkpointer and
 * background writer. Other databases' backends (other people's tests) are left out.
 */
async function pgPids(db) {
  const { rows } = await db.query(
    `select pid from pg_stat_activity
     where datname = current_database() or backend_type in ('walwriter', 'checkpointer', 'background writer')`);
  return rows.map((r) => r.pid);
}

async function cpuSnapshot(db) {
  const pg = new Map();
  for (const pid of await pgPids(db)) pg.set(pid, procRunMs(pid)); // one process per backend: schedstat is exact
  return { at: clock(), machine: machineTicks(), service: SERVICE_PID ? procTicks(SERVICE_PID) : null,
    node: process.cpuUsage(), pg };
}

/** CPU used between two snapshots: ms and cores for the service, PostgreSQL and this driver, per 1000 lines. */
async function cpuSince(before, db, lines) {
  const after = await cpuSnapshot(db);
  const wallMs = after.at - before.at;
  let pgMs = 0;
  for (const [pid, t] of after.pg) if (t != null) pgMs += t - (before.pg.get(pid) ?? 0);
  const serviceMs = before.service == null || after.service == null ? null : ((after.service - before.service) * 1000) / TICKS;
  const nodeMs = (after.node.user - before.node.user + after.node.system - before.node.system) / 1000;
  const total = after.machine.total - before.machine.total;
  const per1000 = (ms) => (ms == null ? null : round((ms / lines) * 1000, 1));
  const cores = (ms) => (ms == null ? null : round(ms / wallMs, 2));
  return {
    machine_busy_pct: total > 0 ? round((100 * (after.machine.busy - before.machine.busy)) / total) : null,
    service_cpu_ms: round(serviceMs), service_cores: cores(serviceMs), service_cpu_ms_per_1000_lines: per1000(serviceMs),
    postgres_cpu_ms: round(pgMs), postgres_cores: cores(pgMs), postgres_cpu_ms_per_1000_lines: per1000(pgMs),
    driver_cpu_ms: round(nodeMs), driver_cores: cores(nodeMs),
  };
}

/**
 * Waits (at most 10 s) until the service has gone quiet (under 10 % of a core over half a second):
 * the previous part's leftovers (closing streams, GC) must not be counted in the next one.
 */
async function settle() {
  if (!SERVICE_PID) return;
  const t0 = clock();
  let before = procTicks(SERVICE_PID);
  while (clock() - t0 < 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = procTicks(SERVICE_PID);
    if (now == null || before == null || now - before <= 5) return;
    before = now;
  }
}

// --- Executions --------------------------------------------------------------------------------
/** Inserts `count` running executions, one worker each, and signs each worker's token. */
async function createExecutions(db, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const workerId = randomUUID();
    await db.query(
      `insert into execution.executions (id, task_id, work_order_id, attempt, worker_id, owner_id, status, started_at)
       values ($1, $2, $3, 1, $4, $5, 'running', now())`,
      [id, randomUUID(), randomUUID(), workerId, ownerId]);
    out.push({ id, workerId, token: makeToken(key, { sub: workerId, upn: `bench-worker-${id.slice(0, 8)}`, role: 'worker', ttlSeconds: 6 * 3600 }) });
  }
  return out;
}

// --- API ingest ----------------------------------------------------------------------------------
let agent = null;

/** Builds the JSON body of `n` lines stamped now; returns { body, bytes } (bytes: message + metadata, UTF-8). */
function batchBody(gen, n) {
  const t = clock();
  const at = new Date(origin + t).toISOString();
  let bytes = 0;
  const parts = new Array(n);
  for (let i = 0; i < n; i++) {
    const line = gen.next();
    const metadata = metadataJson(line.meta, t);
    bytes += Buffer.byteLength(line.message) + metadata.length;
    parts[i] = `{"level":"${line.level}","message":${JSON.stringify(line.message)},"metadata":${metadata}` +
      (line.withLoggedAt ? `,"loggedAt":"${at}"}` : '}');
  }
  return { body: `{"lines":[${parts.join(',')}]}`, bytes };
}

/**
 * W writers (one per execution) post batches until `lines` lines are stored in total; `followers`
 * SSE followers spread over the executions measure delivery. Returns the API and tail figures.
 */
async function apiIngest(db, { w, batch, lines, followers, rate = 0, label }) {
  const execs = await createExecutions(db, w);
  const follow = followers > 0 ? await startFollowers(execs, followers) : null;
  let remaining = lines;
  let stored = 0;
  let bytes = 0;
  let batches = 0;
  const postMs = [];
  const last = Object.fromEntries(execs.map((e) => [e.id, 0]));
  await db.query('checkpoint');
  await settle();
  const deadline = clock() + TIMEOUT_MS;
  const cpu0 = await cpuSnapshot(db);
  const t0 = clock();
  const writer = async (exec, index) => {
    const gen = lineGenerator(seed++ * 7919);
    let n = 0;
    while (remaining > 0) {
      if (clock() > deadline) throw new Error(`${label}: API ingest timed out with ${stored}/${lines} lines stored`);
      const count = Math.min(batch, remaining);
      if (rate > 0) {
        // the batch's slot on the common schedule: lines handed out so far at `rate` lines/s
        const due = t0 + ((lines - remaining) / rate) * 1000;
        remaining -= count;
        const wait = due - clock();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      } else {
        remaining -= count;
      }
      const { body, bytes: b } = batchBody(gen, count);
      const sent = clock();
      const res = await request(`${BASE}/api/executions/${exec.id}/logs`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${exec.token}`, 'content-type': 'application/json', accept: 'application/json',
          'idempotency-key': `${runTag}-${label}-${index}-${++n}` },
        body,
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
      const text = await res.body.text();
      postMs.push(clock() - sent);
      if (res.statusCode !== 201) throw new Error(`${label}: POST logs -> ${res.statusCode} (expected 201): ${text.slice(0, 500)}`);
      const r = JSON.parse(text);
      if (r.count !== count || r.firstSequence !== last[exec.id] + 1 || r.lastSequence !== last[exec.id] + count || r.duplicate) {
        throw new Error(`${label}: unexpected answer ${text} after sequence ${last[exec.id]} for ${count} lines`);
      }
      last[exec.id] = r.lastSequence;
      stored += count;
      bytes += b;
      batches++;
    }
  };
  await Promise.all(execs.map(writer));
  const wallMs = clock() - t0;
  const cpu = await cpuSince(cpu0, db, stored);
  const tail = follow ? await follow.finish(last) : null;

  // what the table holds for these executions must be exactly what was acknowledged
  const { rows } = await db.query(
    `select count(*)::int as n, count(distinct (execution_id, seq))::int as distinct_n
     from execution.execution_logs where execution_id = any($1::uuid[])`, [execs.map((e) => e.id)]);
  if (rows[0].n !== stored || rows[0].distinct_n !== stored) {
    throw new Error(`${label}: ${stored} lines acknowledged but the table holds ${rows[0].n} (${rows[0].distinct_n} distinct)`);
  }
  return {
    api: {
      paced_lines_per_s: rate > 0 ? rate : null,
      lines: stored, bytes, batches, wall_ms: round(wallMs), lines_per_s: round(stored / (wallMs / 1000)),
      mb_per_s: round(bytes / 1e6 / (wallMs / 1000), 2), avg_line_bytes: round(bytes / stored),
      post_ms: { p50: round(percentile(postMs, 50), 2), p99: round(percentile(postMs, 99), 2), max: round(percentile(postMs, 100), 2) },
      cpu,
    },
    tail,
  };
}

/** Starts the followers' thread and waits until their streams are open. */
async function startFollowers(execs, count) {
  const worker = new Worker(new URL('./logfollowers.mjs', import.meta.url), {
    workerData: { base: BASE, token: ownerToken, executions: execs.map((e) => e.id), followers: count, origin },
  });
  const failed = new Promise((_, reject) => {
    worker.on('error', reject);
    worker.on('message', (m) => { if (m.type === 'error') reject(new Error(`SSE follower failed: ${m.message}`)); });
  });
  failed.catch(() => {});
  const connected = await Promise.race([once(worker, 'message').then(([m]) => m), failed]);
  if (connected.type === 'error') throw new Error(`SSE follower failed: ${connected.message}`);
  log(`  ${connected.connected}/${count} followers connected in ${connected.waitedMs.toFixed(0)} ms`);
  return {
    async finish(last) {
      worker.postMessage({ type: 'finish', last, graceMs: 30_000 });
      const result = await Promise.race([
        new Promise((resolve) => worker.on('message', (m) => { if (m.type === 'result') resolve(m); })),
        failed,
      ]);
      await worker.terminate();
      const lat = result.latencies;
      delete result.latencies;
      const violations = result.missing_at_end + result.duplicates_or_out_of_order + result.gaps + result.id_mismatches;
      return {
        ...result,
        violations,
        latency_ms: { samples: lat.length, p50: round(percentile(lat, 50), 2), p90: round(percentile(lat, 90), 2),
          p99: round(percentile(lat, 99), 2), max: round(percentile(lat, 100), 2) },
      };
    },
  };
}

// --- raw COPY reference ------------------------------------------------------------------------
const escapeCopy = (s) => (/[\\\t\n\r]/.test(s)
  ? s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]) : s);

/**
 * COPY text rows of `count` generated lines for one execution, in buffers of about 64 KiB. Made
 * before the clock starts: generating them in Node costs more CPU than PostgreSQL spends storing
 * them, and the reference is what the database takes, not what this driver makes.
 */
function copyRows(executionId, count, gen, counter) {
  const chunks = [];
  let chunk = '';
  for (let seq = 1; seq <= count; seq++) {
    const t = clock();
    const line = gen.next();
    const metadata = metadataJson(line.meta, t);
    counter.bytes += Buffer.byteLength(line.message) + metadata.length;
    chunk += `${executionId}\t${seq}\t${line.level}\t${escapeCopy(line.message)}\t${escapeCopy(metadata)}\t${new Date(origin + t).toISOString()}\n`;
    if (chunk.length >= 65536) {
      chunks.push(Buffer.from(chunk));
      chunk = '';
    }
  }
  if (chunk) chunks.push(Buffer.from(chunk));
  return chunks;
}

/** W concurrent COPY streams, each into its own fresh execution, `lines` lines in total. */
async function copyIngest(db, { w, lines }) {
  const execs = await createExecutions(db, w);
  const clients = [];
  for (let i = 0; i < w; i++) {
    const c = new pg.Client({ connectionString: DB });
    await c.connect();
    clients.push(c);
  }
  const counter = { bytes: 0 };
  const data = execs.map((e, i) =>
    copyRows(e.id, Math.floor(lines / w) + (i < lines % w ? 1 : 0), lineGenerator(seed++ * 7919), counter));
  try {
    await db.query('checkpoint');
    await settle();
    const cpu0 = await cpuSnapshot(db);
    const t0 = clock();
    await Promise.all(clients.map((c, i) => {
      const sink = c.query(copyFrom(
        'copy execution.execution_logs (execution_id, seq, level, message, metadata, logged_at) from stdin'));
      return pipeline(Readable.from(data[i]), sink);
    }));
    const wallMs = clock() - t0;
    const cpu = await cpuSince(cpu0, db, lines);
    const { rows } = await db.query(
      'select count(*)::int as n from execution.execution_logs where execution_id = any($1::uuid[])', [execs.map((e) => e.id)]);
    if (rows[0].n !== lines) throw new Error(`COPY stored ${rows[0].n} lines, expected ${lines}`);
    return {
      lines, bytes: counter.bytes, streams: w, wall_ms: round(wallMs), lines_per_s: round(lines / (wallMs / 1000)),
      mb_per_s: round(counter.bytes / 1e6 / (wallMs / 1000), 2), avg_line_bytes: round(counter.bytes / lines), cpu,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
}

// --- main ------------------------------------------------------------------------------------------
async function runCase(db, c, label) {
  log(`${label}: API ingest, W=${c.w} BATCH=${c.batch} LINES=${c.lines} FOLLOWERS=${c.followers}` +
      (c.rate ? `, paced at ${c.rate} lines/s` : ''));
  const { api, tail } = await apiIngest(db, { ...c, label });
  log(`${label}: API ${api.lines_per_s} lines/s, ${api.mb_per_s} MB/s (service ${api.cpu.service_cores} cores, ` +
      `PostgreSQL ${api.cpu.postgres_cores})` + (tail ? `; tail p50 ${tail.latency_ms.p50} ms p99 ${tail.latency_ms.p99} ms, ` +
      `${tail.delivered} delivered, ${tail.violations} violations` : '; no followers'));
  if (c.rate) return { label, w: c.w, batch: c.batch, lines: c.lines, followers: c.followers, rate: c.rate, api, tail, copy: null, ratio: null };
  log(`${label}: COPY, ${c.w} streams, ${c.lines} lines`);
  const copy = await copyIngest(db, c);
  log(`${label}: COPY ${copy.lines_per_s} lines/s, ${copy.mb_per_s} MB/s (PostgreSQL ${copy.cpu.postgres_cores} cores)`);
  return { label, w: c.w, batch: c.batch, lines: c.lines, followers: c.followers, rate: 0, api, tail, copy,
    ratio: round(api.lines_per_s / copy.lines_per_s, 3) };
}

main(async () => {
  const cases = scalingCases();
  const maxW = Math.max(W, ...cases.map((c) => c.w));
  agent = new Agent({ connections: maxW + 2, keepAliveTimeout: 30_000, pipelining: 1 });
  const db = new pg.Client({ connectionString: DB });
  await db.connect();
  const result = { name: 'logs', lines: LINES, w: W, batch: BATCH, followers: FOLLOWERS, warmup: WARMUP, ncpu: NCPU,
    origin_epoch_ms: origin, cases: [] };
  try {
    if (WARMUP > 0) {
      log(`warm-up (untimed): ${WARMUP} lines, W=${W} BATCH=${BATCH}, ${FOLLOWERS} followers`);
      const warm = await apiIngest(db, { w: W, batch: BATCH, lines: WARMUP, followers: FOLLOWERS, label: 'warmup' });
      log(`warm-up: ${warm.api.lines_per_s} lines/s; tail p99 ${warm.tail?.latency_ms.p99} ms`);
    }
    const main = await runCase(db, { w: W, batch: BATCH, lines: LINES, followers: FOLLOWERS, rate: 0 }, 'main');
    result.cases.push(main);
    for (const c of cases) {
      if (c.rateOfMain) c.rate = Math.max(1, Math.round(main.api.lines_per_s * c.rateOfMain));
      result.cases.push(await runCase(db, c, `W${c.w}-B${c.batch}-L${c.lines}-F${c.followers}` + (c.rate ? `-R${c.rate}` : '')));
    }
    const { rows } = await db.query(
      `select c.relname as partition, pg_size_pretty(pg_total_relation_size(c.oid)) as size
       from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'execution.execution_logs'::regclass and pg_total_relation_size(c.oid) > 65536
       order by pg_total_relation_size(c.oid) desc`);
    result.partitions = rows;
    const total = await db.query('select count(*)::int as n from execution.execution_logs');
    result.table_rows_at_end = total.rows[0].n;
  } finally {
    await db.end();
    await agent.close();
  }
  await emit(result, args.out);
}, TIMEOUT_MS * 20 + 120_000);
