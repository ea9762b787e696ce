// Merges one run's part results (JSON files in --dir: <part>-<N>.json for the drains, wakeup-<system>.json)
// into bench/results: a markdown report (--md) and a JSON document (--json). Parts that failed or
// were skipped show as such.
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
const nList = meta.n_list ?? [];
const W = meta.w;
const DRAIN_PARTS = ['agentyard', 'pgbench', 'pgboss', 'graphile', 'bullmq'];
const WAKE_SYSTEMS = ['agentyard', 'pgboss', 'graphile'];
const status = Object.fromEntries([...DRAIN_PARTS, ...WAKE_SYSTEMS.map((s) => `wakeup-${s}`)].map((p) => [p, note(`${p}.status`)]));
const drains = Object.fromEntries(DRAIN_PARTS.map((p) => [p, Object.fromEntries(nList.map((n) => [n, read(`${p}-${n}.json`)]))]));
const wakeups = Object.fromEntries(WAKE_SYSTEMS.map((s) => [s, read(`wakeup-${s}.json`)]));

const fmt = (x, d = 1) => (x == null || Number.isNaN(x) ? '–' : Number(x).toFixed(d));
const ms = (x) => fmt(x, 2);
const missing = (part) => (status[part] ? status[part].split('\n')[0] : 'not run');
const short = (text, max = 100) => (text.length > max ? `${text.slice(0, max)}…` : text);
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head, body) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`,
  ...body.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

// --- what limited a figure ------------------------------------------------------------------------
// Who used the CPU during the timed part, in cores (2 = the whole machine here), and how busy the
// machine was (everything on it, other people's work included). With the machine near 100 % the
// figure is CPU-bound and the biggest user is named; below that, the parties waited (commits,
// locks, round trips) or the load generator did not push harder.
function parties(cpu, driverName = 'driver') {
  if (!cpu) return [];
  const redis = cpu['redis-server_cores'] != null;
  return [['service', cpu.service_cores], ['PostgreSQL', redis ? null : cpu.postgres_cores], [driverName, cpu.driver_cores],
    ['Redis', cpu['redis-server_cores']]].filter(([, c]) => c != null);
}
function limit(cpu, driverName) {
  if (!cpu) return '–';
  const ps = parties(cpu, driverName);
  const top = [...ps].sort((a, b) => b[1] - a[1])[0];
  const who = ps.map(([n, c]) => `${n} ${fmt(c, 2)}`).join(', ');
  const busy = cpu.machine_busy_pct;
  const verdict = busy == null ? '' : busy >= 90 ? `CPU-bound (machine ${fmt(busy, 0)}% busy), most: ${top?.[0]}`
    : `machine ${fmt(busy, 0)}% busy: not CPU-bound`;
  return `${verdict}; cores: ${who}`;
}
const perOrder = (cpu, key) => (cpu?.[key] == null ? '–' : fmt(cpu[key], 3));

// --- the drain tables, one per N -------------------------------------------------------------------
function drainRows(n) {
  const rows = [];
  const add = (part, system, mode, phase, unit, notes, driverName) => {
    if (!phase) {
      rows.push([system, mode, `**${short(missing(part))}**`, '', '–', '–', '–', '–', '–', '']);
      return;
    }
    const lat = phase.latency_ms;
    rows.push([system, mode, fmt(phase.per_s), unit, ms(lat?.p50 ?? null), ms(lat?.p99 ?? null),
      perOrder(phase.cpu, 'service_cpu_ms_per_unit'), part === 'bullmq' ? '–' : perOrder(phase.cpu, 'postgres_cpu_ms_per_unit'),
      limit(phase.cpu, driverName), notes(phase).filter(Boolean).join('; ')]);
  };
  const ay = drains.agentyard[n];
  const ayNotes = (p) => [
    `${p.done} in ${fmt(p.wall_ms / 1000, 2)} s`,
    p.enqueue_method === 'sql' ? `tasks seeded with SQL (${fmt(p.enqueue_per_s, 0)}/s)` : `tasks created by POST /api/tasks (${fmt(p.enqueue_per_s, 0)}/s)`,
    `${p.claims_with_work} claims with work, ${p.empty_claims} empty`,
    p.duplicate_claims ? `**${p.duplicate_claims} duplicate claims**` : '0 duplicates',
    p.retried_orders ? `${p.retried_orders} retried` : null,
    p.attempt_sent === false ? 'service refused "attempt" in completions (sent without)' : null,
    p.cpu?.service_jit_cpu_ms_per_unit != null ? `of the service's CPU, JIT compiler ${fmt(p.cpu.service_jit_cpu_ms_per_unit, 3)} ms/order` : null,
    p.warmup_rounds?.length ? `warm-up ${p.warmup_rounds.length} round(s) (JIT share ${p.warmup_rounds.map((w) => w.jit_share == null ? '?' : `${fmt(100 * w.jit_share, 0)}%`).join(' → ')})` : null,
    p.cpu?.driver_cpu_ms_per_unit != null ? `driver ${fmt(p.cpu.driver_cpu_ms_per_unit, 3)} CPU-ms/order` : null,
    p.outbox_backlog?.drain_start != null ? `unpublished events ${p.outbox_backlog.drain_start} → ${p.outbox_backlog.drain_end}` : null,
    p.group_commit ? `mean batch: claims ${fmt(p.group_commit.claims?.mean_batch_size, 2)}, completions ${fmt(p.group_commit.completions?.mean_batch_size, 2)}` : null,
  ];
  add('agentyard', 'Agentyard', 'single claim (max=1)', ay?.phases.single, 'orders/s', ayNotes);
  add('agentyard', 'Agentyard', 'batch claim (max=10), each order completed alone', ay?.phases.batch, 'orders/s', ayNotes);
  if (ay?.phases.bulk) {
    add('agentyard', 'Agentyard', 'batch claim (max=10), the batch completed in one request', ay.phases.bulk, 'orders/s', ayNotes);
  }
  if (ay?.phases.empty) {
    add('agentyard', 'Agentyard', 'empty claims (max 1, a queue with no work): one request\'s floor', ay.phases.empty, 'requests/s',
      (p) => [`${p.done} in ${fmt(p.wall_ms / 1000, 2)} s`, 'CPU columns per request: HTTP, token, JSON, tracing and a group-committed transaction that finds nothing',
        p.cpu?.service_jit_cpu_ms_per_unit != null ? `of the service's CPU, JIT compiler ${fmt(p.cpu.service_jit_cpu_ms_per_unit, 3)} ms/request` : null]);
  }

  const boss = drains.pgboss[n];
  const bossName = boss ? `pg-boss ${boss.version}` : 'pg-boss';
  const bossNotes = (p) => [p.timed_out ? `**stopped at the time bound: ${p.done} of ${p.total} done in ${fmt(p.wall_ms / 1000, 1)} s; the rate is over those**`
    : `${p.done} in ${fmt(p.wall_ms / 1000, 2)} s`, `insert ${fmt(p.enqueue_ms, 0)} ms`, 'p50/p99: fetch round trip'];
  add('pgboss', bossName, 'fetch+complete, batchSize 1', boss?.phases.single, 'jobs/s', bossNotes);
  add('pgboss', bossName, 'fetch+complete, batchSize 10', boss?.phases.batch, 'jobs/s', bossNotes);

  const gw = drains.graphile[n];
  const gwName = gw ? `graphile-worker ${gw.version}` : 'graphile-worker';
  const gwNotes = (p) => [`${p.done} in ${fmt(p.wall_ms / 1000, 2)} s (runner start included)`, `add ${fmt(p.enqueue_ms, 0)} ms`, 'no per-job latency'];
  add('graphile', gwName, `runner, concurrency ${W}, defaults`, gw?.phases.single, 'jobs/s', gwNotes, 'driver (worker)');
  add('graphile', gwName, `runner, concurrency ${W}, localQueue ${W + 1} + batched completions`, gw?.phases.batch, 'jobs/s', gwNotes, 'driver (worker)');

  const bull = drains.bullmq[n];
  add('bullmq', bull ? `BullMQ ${bull.version}` : 'BullMQ', `Worker, concurrency ${W}`, bull?.phases.single, 'jobs/s',
    (p) => [`${p.done} in ${fmt(p.wall_ms / 1000, 2)} s`, `add ${fmt(p.enqueue_ms, 0)} ms`, 'no per-job latency; Redis CPU is the whole redis-server'], 'driver (worker)');

  const pgb = drains.pgbench[n]?.phases ?? {};
  const pgbNotes = (p) => [p.timed_out ? `**stopped at the time bound: ${p.done} of ${p.total} done in ${fmt(p.wall_ms / 1000, 1)} s; the rate is over those**`
    : `${p.done} in ${fmt(p.wall_ms / 1000, 2)} s`,
    p.claim_avg_ms != null ? `avg claim ${ms(p.claim_avg_ms)} ms, avg complete ${ms(p.complete_avg_ms)} ms` : null, 'no percentiles (pgbench)'];
  add('pgbench', 'PostgreSQL (pgbench), minimal queue', 'claim+complete, 1 row', pgb.single, 'orders/s', pgbNotes, 'pgbench');
  add('pgbench', 'PostgreSQL (pgbench), minimal queue', 'claim+complete, 10 rows', pgb.batch, 'orders/s', pgbNotes, 'pgbench');
  for (const [key, mode] of Object.entries(OWN_PHASES)) {
    if (key in pgb || ['own_single', 'own_batch'].includes(key)) {
      add('pgbench', "PostgreSQL (pgbench), task-service's SQL", mode, pgb[key], 'orders/s', pgbNotes, 'pgbench');
    }
  }
  return rows;
}
const OWN_PHASES = {
  own_single: 'claim 1 + complete it, one worker per statement',
  own_batch: 'claim 10 + complete each, one worker per statement',
  own_coalesced_single: `coalesced: 2 clients, each the claims of ${W} workers (1 each) in one statement, their ${W} completions in one`,
  own_coalesced_batch: `coalesced: 2 clients, each the claims of ${W} workers (10 each) in one statement, their completions ${W} at a time`,
};

// --- targets ---------------------------------------------------------------------------------------
function target(name, value, threshold, pass, shown) {
  const result = value == null || threshold == null ? 'NOT RUN' : pass(value, threshold) ? 'PASS' : 'FAIL';
  return { name, value, threshold, result, shown: value == null || threshold == null ? '–' : shown(value, threshold) };
}
const targets = [];
for (const n of nList) {
  const ay = drains.agentyard[n]?.phases ?? {};
  const boss = drains.pgboss[n]?.phases ?? {};
  const tag = `N=${n}`;
  targets.push(
    target(`${tag}: Agentyard single-claim orders/s ≥ pg-boss batchSize 1 jobs/s`, ay.single?.per_s, boss.single?.per_s,
      (v, t) => v >= t, (v, t) => `${fmt(v)} vs ${fmt(t)} (${fmt(v / t, 2)}×)${boss.single?.timed_out ? ' (pg-boss stopped at the time bound)' : ''}`),
    ...[['batch', 'each order completed alone'], ['bulk', 'the batch completed in one request']].filter(([mode]) => mode !== 'bulk' || ay.bulk).flatMap(([mode, how]) => [
      target(`${tag}: Agentyard batch-of-10 orders/s ≥ 0.5 × pg-boss batchSize 10 jobs/s (${how})`, ay[mode]?.per_s,
        boss.batch ? 0.5 * boss.batch.per_s : null, (v, t) => v >= t,
        (v, t) => `${fmt(v)} vs ${fmt(t)} (${fmt(v / (2 * t), 2)} of pg-boss)${boss.batch?.timed_out ? ' (pg-boss stopped at the time bound)' : ''}`),
      target(`${tag}: service CPU per order ≤ 0.2 ms, batch claims (${how})`, ay[mode]?.cpu?.service_cpu_ms_per_unit, ay[mode] ? 0.2 : null,
        (v, t) => v <= t, (v) => `${fmt(v, 3)} ms (${fmt(ay[mode].cpu.service_cores, 2)} cores)`)]),
    target(`${tag}: service CPU per order ≤ 0.5 ms, single claims`, ay.single?.cpu?.service_cpu_ms_per_unit, ay.single ? 0.5 : null,
      (v, t) => v <= t, (v) => `${fmt(v, 3)} ms (${fmt(ay.single.cpu.service_cores, 2)} cores)`),
  );
}
// The large N's rate against the small N's (the first and last of the list)
const nSmall = nList[0];
const nBig = nList[nList.length - 1];
const ratioRows = [];
if (nList.length > 1) {
  for (const mode of ['single', 'batch', 'bulk']) {
    if (mode === 'bulk' && !drains.agentyard[nSmall]?.phases.bulk) continue;
    const small = drains.agentyard[nSmall]?.phases[mode]?.per_s;
    const big = drains.agentyard[nBig]?.phases[mode]?.per_s;
    targets.push(target(`Agentyard ${mode} claims: N=${nBig} rate within 20% of the N=${nSmall} rate (ratio ≥ 0.8)`,
      small && big != null ? big / small : null, small && big != null ? 0.8 : null, (v, t) => v >= t,
      (v) => `${fmt(big)} / ${fmt(small)} = ${fmt(v, 2)}`));
  }
  const ratio = (part, system, mode, phase) => {
    const small = drains[part][nSmall]?.phases?.[phase]?.per_s;
    const big = drains[part][nBig]?.phases?.[phase]?.per_s;
    ratioRows.push([system, mode, fmt(small), fmt(big), small && big != null ? fmt(big / small, 2) : '–']);
  };
  ratio('agentyard', 'Agentyard', 'single claim', 'single');
  ratio('agentyard', 'Agentyard', 'batch claim (max=10), each completed alone', 'batch');
  ratio('agentyard', 'Agentyard', 'batch claim (max=10), completed in one request', 'bulk');
  ratio('pgboss', 'pg-boss', 'batchSize 1', 'single');
  ratio('pgboss', 'pg-boss', 'batchSize 10', 'batch');
  ratio('graphile', 'graphile-worker', 'defaults', 'single');
  ratio('graphile', 'graphile-worker', 'localQueue + batched completions', 'batch');
  ratio('bullmq', 'BullMQ', `concurrency ${W}`, 'single');
  ratio('pgbench', 'pgbench, minimal queue', '1 row', 'single');
  ratio('pgbench', 'pgbench, minimal queue', '10 rows', 'batch');
  for (const [key, mode] of Object.entries(OWN_PHASES)) ratio('pgbench', "pgbench, task-service's SQL", mode, key);
}
// Wake-up
const wa = wakeups.agentyard;
const peers = WAKE_SYSTEMS.filter((s) => s !== 'agentyard').map((s) => [s, wakeups[s]]);
targets.push(target(`Wake-up: Agentyard p99 (create answer → claim answer) < 15 ms`, wa?.latency_ms?.p99, wa ? 15 : null,
  (v, t) => v < t, (v) => `${ms(v)} ms`));
{
  const peerP99 = peers.map(([, r]) => r?.latency_ms?.p99);
  const ok = wa && peerP99.every((p) => p != null);
  targets.push(target('Wake-up: Agentyard p99 under every peer\'s p99', wa?.latency_ms?.p99, ok ? Math.min(...peerP99) : null,
    (v, t) => v < t, (v) => `${ms(v)} ms vs ${peers.map(([s, r]) => `${s} ${ms(r?.latency_ms?.p99)}`).join(', ')} ms`));
}

// --- claim plans -----------------------------------------------------------------------------------
const planRows = [];
for (const n of nList) {
  for (const mode of ['single', 'batch', 'bulk']) {
    const plan = drains.agentyard[n]?.phases?.[mode]?.claim_plan;
    if (!plan) continue;
    if (plan.error) { planRows.push([`N=${n}`, mode, plan.statement ?? '', `error: ${plan.error}`, '', '']); continue; }
    for (const kind of ['custom', 'generic', 'pinned']) {
      const p = plan[kind];
      if (!p) continue;
      planRows.push([`N=${n}`, `${mode}, ${kind} plan`, plan.statement, p.seq_scans.length ? p.seq_scans.join(', ') : 'none',
        p.indexes.join(', '), ms(p.execution_ms)]);
    }
  }
}

// --- Agentyard's group commit during each drain (from the service's /q/metrics) --------------------
const GROUP_SIZES = ['1', '2', '4', '8', '16'];
const groupRows = [];
for (const n of nList) {
  for (const mode of ['single', 'batch', 'bulk']) {
    const phase = drains.agentyard[n]?.phases?.[mode];
    if (!phase) continue;
    if (!phase.group_commit) { groupRows.push([`N=${n}`, mode, '–', 'not measured (no group-commit metrics at /q/metrics: an older build?)', '', '', '', '', '']); continue; }
    for (const kind of ['claims', 'completions']) {
      const g = phase.group_commit[kind];
      if (!g) continue;
      const share = (k) => (g.batches > 0 && g.batches_of_at_most?.[k] != null ? `${fmt(100 * g.batches_of_at_most[k] / g.batches, 0)}%` : '–');
      groupRows.push([`N=${n}`, mode, kind, g.requests, g.batches, fmt(g.mean_batch_size, 2), fmt(g.mean_wait_ms, 3),
        fmt(g.mean_batch_ms, 3), GROUP_SIZES.map(share).join(' / ')]);
    }
  }
}

// --- wake-up table ---------------------------------------------------------------------------------
const wakeNames = {
  agentyard: (r) => `Agentyard: ${r.claimers} claimers, claim max 1, waitSeconds 30`,
  pgboss: (r) => `pg-boss ${r.version}: ${r.workers} work() pollers, default polling (2 s)`,
  graphile: (r) => `graphile-worker ${r.version}: 1 runner, concurrency ${r.concurrency}, pool ${r.max_pool_size}, LISTEN/NOTIFY`,
};
const cores = (c) => (c ? `service ${fmt(c.service_cores, 2)} / PostgreSQL ${fmt(c.postgres_cores, 2)} / driver ${fmt(c.driver_cores, 2)}` : '–');
const wakeRows = WAKE_SYSTEMS.map((s) => {
  const r = wakeups[s];
  if (!r) return [s, `**${short(missing(`wakeup-${s}`))}**`, '', '', '', '', '', '', '', '', '', ''];
  return [wakeNames[s](r), `${fmt(r.achieved_rate_per_s, 1)}/s`, ms(r.latency_ms.p50), ms(r.latency_ms.p99), ms(r.latency_ms.max),
    `${ms(r.latency_from_create_sent_ms?.p50)} / ${ms(r.latency_from_create_sent_ms?.p99)}`,
    `${r.claimed}/${r.created ?? r.tasks}${r.claimed_before_create_answer ? `, ${r.claimed_before_create_answer} before the create's answer` : ''}${r.hung_claims ? `; **${r.hung_claims} claims never answered** (asked again after 40 s)` : ''}`,
    `${ms(r.create_ms.p50)} / ${ms(r.create_ms.p99)}${r.creates_in_flight_peak > 1 ? ` (up to ${r.creates_in_flight_peak} in flight)` : ''}`, `${cores(r.cpu)} (machine ${fmt(r.cpu?.machine_busy_pct, 0)}%)`,
    `${cores(r.idle)} (machine ${fmt(r.idle?.machine_busy_pct, 0)}%)${r.idle?.empty_answers_per_s != null ? `; ${fmt(r.idle.empty_answers_per_s, 0)} empty answers/s` : ''}`,
    `${ms(r.driver_event_loop_delay_ms?.p99)} ms`,
    r.warmup_rounds?.length ? `${r.warmup_rounds.length} (JIT share ${r.warmup_rounds.map((w) => w.jit_share == null ? '–' : `${fmt(100 * w.jit_share, 0)}%`).join(' → ')})` : '–'];
});

const failures = Object.entries(status).filter(([, s]) => s && !s.startsWith('skipped'));
const seeded = nList.filter((n) => drains.agentyard[n]?.enqueue_method === 'sql');
const wake = meta.wake ?? {};
const md = `# Agentyard dispatch benchmark

Run \`${meta.run_id ?? '?'}\`, started ${meta.started_at ?? '?'}, commit \`${meta.git_commit ?? '?'}\`.
Drains of N = ${nList.map((n) => `**${n}**`).join(' and ')} pending orders, W = **${W}** concurrent clients; ${meta.warmup} untimed
warm-up orders per phase (Agentyard, pg-boss, graphile-worker, BullMQ); Agentyard repeats its warm-up (up to 16 rounds) until its JIT
compiler threads use under 10% of its CPU in two rounds in a row, so the timed drain measures a warm service (its JIT share is in the notes). Throughput = N / (time from the start of the drain to the
last completion). Agentyard's timed tasks: ${nList.map((n) => `N=${n} ${seeded.includes(n) ? 'written with SQL' : 'created by POST /api/tasks'}`).join(', ')}${seeded.length
  ? ` (SQL: a \`queued\` task and one \`pending\` work order each, in the shape TaskService.create and Dispatcher.enqueue write them, without their outbox events; then ANALYZE)` : ''}.
CPU columns: ms of CPU per order of the service (task-service, all threads) and of PostgreSQL (the run's database's backends plus WAL writer,
checkpointer and background writer); "limited by" gives the cores each party kept busy (2 = the whole machine) and how busy the machine was.

${nList.map((n) => `## Drains, N = ${n}

${table(['System', 'Mode', 'Throughput', 'Unit', 'p50 ms', 'p99 ms', 'service CPU ms/order', 'PostgreSQL CPU ms/order', 'Limited by', 'Notes'], drainRows(n))}
`).join('\n')}
Agentyard p50/p99: the claim's HTTP round trip (claims that returned work); pg-boss: the fetch's. At a fixed W, latency follows
throughput (Little's law: mean round trip ≈ W / requests per second).

## Targets (issue 11)

${table(['Target', 'Measured', 'Result'], targets.map((t) => [t.name, t.shown, `**${t.result}**`]))}
${ratioRows.length ? `
## Rate at N = ${nBig} against N = ${nSmall}

${table(['System', 'Mode', `N=${nSmall}/s`, `N=${nBig}/s`, 'ratio'], ratioRows)}
` : ''}${planRows.length ? `
## Agentyard's claim plan before each drain

EXPLAIN ANALYZE of the service's own claim statement (rolled back) with the pending orders in place, as the planner picks it for the values
(custom), forced generic (what a prepared statement may settle on after many executions) and pinned (the settings the service runs it
with: its \`PINNED_PLANS\`, a generic plan made without sequential scans).

${table(['N', 'Phase', 'Statement', 'Seq scans', 'Indexes used', 'ms'], planRows)}
` : ''}${groupRows.length ? `
## Agentyard's group commit during each drain

From task-service's \`/q/metrics\`, scraped just before and just after each timed drain: the claims (and, separately, the completions)
that went to the database together in one transaction. Mean batch = requests / batches (\`agentyard_group_commit_batch_size\` sum / count);
mean wait = how long a request waited before its batch started (\`agentyard_group_commit_wait_seconds\` sum / count); batch ms = a
batch's time from its start until it was answered (\`agentyard_group_commit_duration_seconds\` sum / count). Claims include the
empty ones and those a long-polling claim makes again when woken. Batches of at most 1 / 2 / 4 / 8 / 16 requests, in % of the batches.

${table(['N', 'Phase', 'Kind', 'Requests', 'Batches', 'Mean batch', 'Mean wait ms', 'Batch ms', 'Batches ≤ 1 / 2 / 4 / 8 / 16'], groupRows)}
` : ''}
## Wake-up latency

${wake.claimers ?? '?'} idle claimers; tasks created one by one on a schedule of ${wake.rate ?? '?'}/s (each create sent at its time whether or not
the previous one has answered, at most 8 in flight), after warm-up rounds of ${wake.warmup ?? '?'} untimed tasks at 4× the rate
(repeated, up to 16, until Agentyard's JIT compiler used under 10% of its CPU in two rounds in a row; one round for the others), then
${wake.tasks ?? '?'} timed; latency = the claim's answer (Agentyard) or the job handler's start (pg-boss, graphile-worker) − the create
call's answer (POST /api/tasks; send(); addJob()). Each claimed order is completed at once. Idle: the ${wake.idle_s ?? '?'} s before the
first task, all claimers waiting. A claim can answer before the create does (the service wakes claimers when the create's transaction
commits, before it answers): such latencies are negative; the latency from the create's request is shown beside. "Driver" is the Node process that holds the claimers and the creator (for pg-boss and graphile-worker it
is also their worker process).

${table(['System', 'Rate achieved', 'p50 ms', 'p99 ms', 'max ms', 'from the create\'s request: p50 / p99 ms', 'Claimed', 'create p50 / p99 ms', 'CPU cores while creating', 'CPU cores idle', 'driver event-loop delay p99', 'warm-up rounds'], wakeRows)}
${failures.length ? `\n## Problems\n\n${failures.map(([k, s]) => `- ${k}: ${cell(s)}`).join('\n')}\n` : ''}
## Machine

- CPU: ${meta.cpu_model ?? '?'} (nproc ${meta.nproc ?? '?'}), memory ${meta.mem_total ?? '?'}, kernel ${meta.kernel ?? '?'}
- PostgreSQL ${meta.postgres_version ?? '?'} (synchronous_commit=${meta.pg_synchronous_commit ?? '?'}, shared_buffers=${meta.pg_shared_buffers ?? '?'}), Redis ${meta.redis_version ?? '?'}
- Node ${meta.node_version ?? '?'}, Java ${meta.java_version ?? '?'}
- task-service's tracing: ${meta.service_tracing === 'default' || !meta.service_tracing ? 'the default (no collector, so spans are not recorded: ids only)' : `spans recorded, AGENTYARD_TRACE_SAMPLE_RATIO ${meta.service_tracing.replace('ratio ', '')}`}${meta.service_java_opts ? `; JVM options \`${meta.service_java_opts}\`` : ''}
- Load average (1/5/15 min) at start: ${meta.loadavg_start ?? '?'}; at the end: ${meta.loadavg_end ?? '?'}
- Everything (service, databases, load generators, and anyone else's work on the machine) shares these cores: figures are noisy,
  compare within one run.
`;

writeFileSync(required(args, 'md'), md);
writeFileSync(required(args, 'json'), JSON.stringify({
  meta,
  drains: Object.fromEntries(DRAIN_PARTS.map((p) => [p, Object.fromEntries(nList.map((n) => [n, drains[p][n] ?? { status: missing(p) }]))])),
  wakeup: Object.fromEntries(WAKE_SYSTEMS.map((s) => [s, wakeups[s] ?? { status: missing(`wakeup-${s}`) }])),
  targets,
}, null, 2) + '\n');
console.log(md);
