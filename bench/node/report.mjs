// Merges one run's part results (JSON files in --dir) into bench/results: a markdown table
// (--md) and a JSON document (--json). Parts that failed or were skipped show as such.
//
//   node report.mjs --dir RUN_DIR --md ../results/latest.md --json ../results/STAMP.json
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, required } from './stats.mjs';

const args = parseArgs();
const dir = required(args, 'dir');
const read = (name) => (existsSync(join(dir, name)) ? JSON.parse(readFileSync(join(dir, name), 'utf8')) : null);
const note = (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim() : null);

const meta = { ...(read('meta.json') ?? {}), loadavg_end: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') };
const parts = {
  agentyard: { result: read('agentyard.json'), status: note('agentyard.status') },
  pgbench: { result: read('pgbench.json'), status: note('pgbench.status') },
  pgboss: { result: read('pgboss.json'), status: note('pgboss.status') },
  bullmq: { result: read('bullmq.json'), status: note('bullmq.status') },
};

const fmt = (x, d = 1) => (x == null || Number.isNaN(x) ? '–' : Number(x).toFixed(d));
const ms = (x) => fmt(x, 2);
const missing = (part) => (part.status ? part.status.split('\n')[0] : 'not run');
const short = (text, max = 100) => (text.length > max ? `${text.slice(0, max)}…` : text);

// Rows of the main table: system, mode, throughput, unit, p50, p99, notes.
const rows = [];
function add(part, system, mode, phase, unit, notes, latencyNote) {
  if (!phase) {
    rows.push([system, mode, `**${short(missing(part))}**`, '', '–', '–', '']);
    return;
  }
  const lat = phase.latency_ms;
  rows.push([system, mode, fmt(phase.per_s), unit, ms(lat?.p50 ?? null), ms(lat?.p99 ?? null),
    [latencyNote, ...notes(phase)].filter(Boolean).join('; ')]);
}

const ay = parts.agentyard.result?.phases ?? {};
const ayNotes = (p) => [
  `${p.done} in ${fmt(p.wall_ms / 1000, 2)} s`,
  `${p.claims_with_work} claims with work, ${p.empty_claims} empty`,
  p.duplicate_claims ? `**${p.duplicate_claims} duplicate claims**` : null,
  p.retried_orders ? `${p.retried_orders} retried` : null,
  `enqueue ${fmt(p.enqueue_per_s, 0)} tasks/s`,
  p.cpu?.service_cpu_ms_per_order != null
    ? `service ${fmt(p.cpu.service_cpu_ms_per_order, 2)} CPU-ms/order (${fmt(p.cpu.service_cores_used, 2)} cores), machine ${fmt(p.cpu.machine_busy_pct, 0)}% busy`
    : null,
  p.outbox_backlog?.drain_start != null ? `unpublished events ${p.outbox_backlog.drain_start} → ${p.outbox_backlog.drain_end}` : null,
];
add(parts.agentyard, 'Agentyard', 'single claim (max=1)', ay.single, 'orders/s', ayNotes, 'claim round trip');
add(parts.agentyard, 'Agentyard', 'batch claim (max=10)', ay.batch, 'orders/s', ayNotes, 'claim round trip');

const pgb = parts.pgbench.result?.phases ?? {};
const pgbNotes = (p) => [`${p.done} in ${fmt(p.wall_ms / 1000, 2)} s`,
  p.claim_avg_ms != null ? `avg claim ${ms(p.claim_avg_ms)} ms, avg complete ${ms(p.complete_avg_ms)} ms` : null];
add(parts.pgbench, 'PostgreSQL (pgbench)', 'claim+complete, 1 row', pgb.single, 'cycles/s', pgbNotes, 'no percentiles (pgbench)');
add(parts.pgbench, 'PostgreSQL (pgbench)', 'claim+complete, 10 rows', pgb.batch, 'orders/s', pgbNotes, 'no percentiles (pgbench)');
add(parts.pgbench, "PostgreSQL (pgbench), task-service's SQL", 'claim 1 + complete', pgb.own_single, 'orders/s', pgbNotes,
  'no service; same statements, schema and events');
add(parts.pgbench, "PostgreSQL (pgbench), task-service's SQL", 'claim 10 + complete each', pgb.own_batch, 'orders/s', pgbNotes,
  'no service; same statements, schema and events');

const boss = parts.pgboss.result;
const bossNotes = (p) => [`${p.done} in ${fmt(p.wall_ms / 1000, 2)} s`, `insert ${fmt(p.enqueue_ms, 0)} ms`];
const bossName = boss ? `pg-boss ${boss.version}` : 'pg-boss';
add(parts.pgboss, bossName, 'fetch+complete, batchSize 1', boss?.phases.single, 'jobs/s', bossNotes, 'fetch round trip');
add(parts.pgboss, bossName, 'fetch+complete, batchSize 10', boss?.phases.batch, 'jobs/s', bossNotes, 'fetch round trip');

const bull = parts.bullmq.result;
add(parts.bullmq, bull ? `BullMQ ${bull.version}` : 'BullMQ', `Worker, concurrency ${meta.w ?? ''}`, bull?.phases.single, 'jobs/s',
  (p) => [`${p.done} in ${fmt(p.wall_ms / 1000, 2)} s`, `add ${fmt(p.enqueue_ms, 0)} ms`], 'no per-job latency');

// Targets stated by the product owner.
function target(name, value, threshold, pass, shown) {
  const result = value == null || threshold == null ? 'NOT RUN' : pass(value, threshold) ? 'PASS' : 'FAIL';
  return { name, value, threshold, result, shown: value == null || threshold == null ? '–' : shown(value, threshold) };
}
// The issue asks for "the raw PostgreSQL rate of the same claim + complete SQL driven by pgbench":
// task-service's own statements (own_single). The minimal one-table queue is shown beside it.
const targets = [
  target("Agentyard single-claim orders/s ≥ 0.5 × pgbench running task-service's own claim + complete SQL",
    ay.single?.per_s, pgb.own_single ? 0.5 * pgb.own_single.per_s : null, (v, t) => v >= t,
    (v, t) => `${fmt(v)} vs ${fmt(t)} (${fmt(v / (2 * t), 2)} of the raw rate)`),
  target('Agentyard single-claim orders/s ≥ 0.5 × pgbench running a minimal one-table queue',
    ay.single?.per_s, pgb.single ? 0.5 * pgb.single.per_s : null, (v, t) => v >= t,
    (v, t) => `${fmt(v)} vs ${fmt(t)} (${fmt(v / (2 * t), 2)} of the raw rate)`),
  target('Agentyard batch orders/s ≥ BullMQ jobs/s',
    ay.batch?.per_s, bull?.phases.single?.per_s, (v, t) => v >= t, (v, t) => `${fmt(v)} vs ${fmt(t)}`),
  target('Agentyard p99 claim latency < 20 ms (single claims)',
    ay.single?.latency_ms?.p99, ay.single ? 20 : null, (v, t) => v < t, (v) => `${ms(v)} ms`),
  target('Agentyard p99 claim latency < 20 ms (batch claims)',
    ay.batch?.latency_ms?.p99, ay.batch ? 20 : null, (v, t) => v < t, (v) => `${ms(v)} ms`),
];

// Not a target: batches against the database cost of the same statements.
const batchOwn = pgb.own_batch?.per_s;
const batchRatio = ay.batch?.per_s == null || batchOwn == null ? '–'
  : `${fmt(ay.batch.per_s)} / ${fmt(batchOwn)} = ${fmt(ay.batch.per_s / batchOwn, 2)}`;

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head, body) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`,
  ...body.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

const failures = Object.entries(parts).filter(([, p]) => p.status && !p.status.startsWith('skipped'));
const md = `# Agentyard dispatch benchmark

Run \`${meta.run_id ?? '?'}\`, started ${meta.started_at ?? '?'}, commit \`${meta.git_commit ?? '?'}\`.
N = **${meta.n}** orders per phase, W = **${meta.w}** concurrent clients; ${meta.warmup} untimed warm-up orders per phase
(Agentyard, pg-boss, BullMQ). Throughput = N / (time from the start of the drain to the last completion).

${table(['System', 'Mode', 'Throughput', 'Unit', 'p50 ms', 'p99 ms', 'Notes'], rows)}

## Targets

${table(['Target', 'Measured', 'Result'], targets.map((t) => [t.name, t.shown, `**${t.result}**`]))}

Batch claims against pgbench running task-service's own SQL (claim 10, complete each): ${batchRatio}.
At a fixed W, claim latency follows throughput (Little's law: mean round trip ≈ W / requests per second).
${failures.length ? `\n## Problems\n\n${failures.map(([k, p]) => `- ${k}: ${cell(p.status)}`).join('\n')}\n` : ''}
## Machine

- CPU: ${meta.cpu_model ?? '?'} (nproc ${meta.nproc ?? '?'}), memory ${meta.mem_total ?? '?'}, kernel ${meta.kernel ?? '?'}
- PostgreSQL ${meta.postgres_version ?? '?'} (synchronous_commit=${meta.pg_synchronous_commit ?? '?'}, shared_buffers=${meta.pg_shared_buffers ?? '?'}), Redis ${meta.redis_version ?? '?'}
- Node ${meta.node_version ?? '?'}, Java ${meta.java_version ?? '?'}
- Load average (1/5/15 min) at start: ${meta.loadavg_start ?? '?'}; at the end: ${meta.loadavg_end ?? '?'}
- Everything (service, databases, load generators) shares these cores: figures are noisy, compare within one run.
`;

writeFileSync(required(args, 'md'), md);
writeFileSync(required(args, 'json'), JSON.stringify({ meta, results: Object.fromEntries(Object.entries(parts).map(([k, p]) => [k, p.result ?? { status: missing(p) }])), targets }, null, 2) + '\n');
console.log(md);
