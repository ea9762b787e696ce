// Report of the log-ingest benchmark: merges the run's machine notes (meta) with logs.mjs's result,
// writes the JSON and the markdown, and prints the markdown.
//
//   node logs-report.mjs --meta meta.json --result logs.json --md logs-latest.md --json logs-<stamp>.json
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, required } from './stats.mjs';

const args = parseArgs();
const meta = JSON.parse(readFileSync(required(args, 'meta'), 'utf8'));
const result = JSON.parse(readFileSync(required(args, 'result'), 'utf8'));

const API_TARGET = 0.5; // API lines/s >= 0.5 x raw COPY lines/s
const P99_TARGET = 100; // ms, write -> SSE delivery

const f = (x, d = 0) => (x == null ? 'n/a' : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const verdict = (ok) => (ok == null ? 'n/a' : ok ? '**met**' : '**missed**');
const main = result.cases.find((c) => c.label === 'main') ?? result.cases[0];

const out = [];
const p = (s = '') => out.push(s);

p('# Log-ingest benchmark (execution-service)');
p();
p(`Run \`${meta.run_id}\` started ${meta.started_at}, commit \`${meta.git_commit}\`.`);
p();
p('## Machine');
p();
p(`- ${meta.nproc} cores (${meta.cpu_model}), ${meta.mem_total} RAM, kernel ${meta.kernel}`);
p(`- load average at start ${meta.loadavg_start}, at end ${meta.loadavg_end ?? 'n/a'} (1, 5, 15 min)`);
p(`- ${meta.java_version}; PostgreSQL ${meta.postgres_version} (synchronous_commit ${meta.pg_synchronous_commit}, ` +
  `shared_buffers ${meta.pg_shared_buffers}); Redis ${meta.redis_version}; Node ${meta.node_version}`);
p('- the service, PostgreSQL, Redis and the Node driver (writers, followers thread, COPY streams) share these cores');
p();
p('## Parameters');
p();
p(`LINES=${result.lines} W=${result.w} BATCH=${result.batch} FOLLOWERS=${result.followers}; ` +
  `untimed warm-up ${result.warmup} lines; scaling cases: ${meta.cases}.`);
p();
p('## Result (main case)');
p();
if (main) {
  const api = main.api;
  const copy = main.copy;
  const tail = main.tail;
  p('| | lines/s | MB/s | lines | wall s | service CPU ms / 1000 lines | PostgreSQL CPU ms / 1000 lines |');
  p('|---|---:|---:|---:|---:|---:|---:|');
  p(`| API (\`POST /api/executions/{id}/logs\`, ${main.w} writers, ${main.batch} lines/batch) | ${f(api.lines_per_s)} | ${f(api.mb_per_s, 2)} | ${f(api.lines)} | ${f(api.wall_ms / 1000, 2)} | ${f(api.cpu.service_cpu_ms_per_1000_lines, 1)} | ${f(api.cpu.postgres_cpu_ms_per_1000_lines, 1)} |`);
  p(`| raw COPY (${copy.streams} streams, same table) | ${f(copy.lines_per_s)} | ${f(copy.mb_per_s, 2)} | ${f(copy.lines)} | ${f(copy.wall_ms / 1000, 2)} | – | ${f(copy.cpu.postgres_cpu_ms_per_1000_lines, 1)} |`);
  p();
  p(`- **API / COPY = ${f(main.ratio, 2)}** (target ≥ ${API_TARGET}): ${verdict(main.ratio == null ? null : main.ratio >= API_TARGET)}`);
  if (tail) {
    p(`- **tail latency** (write → SSE delivery, ${tail.followers} followers, ${f(tail.latency_ms.samples)} deliveries): ` +
      `p50 ${f(tail.latency_ms.p50, 1)} ms, p90 ${f(tail.latency_ms.p90, 1)} ms, **p99 ${f(tail.latency_ms.p99, 1)} ms**, ` +
      `max ${f(tail.latency_ms.max, 1)} ms (target p99 < ${P99_TARGET} ms): ${verdict(tail.latency_ms.p99 == null ? null : tail.latency_ms.p99 < P99_TARGET)}`);
    p(`- **violations: ${tail.violations}** (must be 0): ${tail.missing_at_end} lines missing at the end, ` +
      `${tail.duplicates_or_out_of_order} duplicate or out-of-order, ${tail.gaps} skipped, ${tail.id_mismatches} id ≠ sequence; ` +
      `${f(tail.delivered)} of ${f(tail.expected)} expected deliveries` +
      (tail.reconnects ? `; ${tail.reconnects} streams ended by the service (follower too far behind) and resumed with Last-Event-ID` : '') +
      (tail.errors.length ? `; stream errors: ${tail.errors.slice(0, 3).join('; ')}` : ''));
  }
  p(`- POST round trip: p50 ${f(api.post_ms.p50, 1)} ms, p99 ${f(api.post_ms.p99, 1)} ms, max ${f(api.post_ms.max, 1)} ms ` +
    `(${f(api.batches)} batches, ${f(api.avg_line_bytes)} bytes of message + metadata per line)`);
  p(`- CPU during the API ingest: service ${f(api.cpu.service_cores, 2)} cores, PostgreSQL ${f(api.cpu.postgres_cores, 2)}, ` +
    `driver ${f(api.cpu.driver_cores, 2)}; machine ${f(api.cpu.machine_busy_pct)} % busy. ` +
    `During COPY: PostgreSQL ${f(copy.cpu.postgres_cores, 2)} cores, driver ${f(copy.cpu.driver_cores, 2)}, machine ${f(copy.cpu.machine_busy_pct)} % busy`);
  const s = api.cpu.service_cpu_ms_per_1000_lines;
  const pgMs = api.cpu.postgres_cpu_ms_per_1000_lines;
  if (s != null && pgMs != null) {
    p(`- per 1000 lines the service spent ${f(s, 1)} ms of CPU and PostgreSQL ${f(pgMs, 1)} ms ` +
      `(${f(s / Math.max(pgMs, 0.1), 1)} : 1); the raw COPY cost PostgreSQL ${f(copy.cpu.postgres_cpu_ms_per_1000_lines, 1)} ms`);
  }
  const paced = result.cases.filter((c) => c.rate > 0 && c.tail);
  for (const c of paced) {
    p(`- paced at ${f(c.rate)} lines/s (case ${c.label}, below the main case's rate): tail p50 ${f(c.tail.latency_ms.p50, 1)} ms, ` +
      `p99 ${f(c.tail.latency_ms.p99, 1)} ms, max ${f(c.tail.latency_ms.max, 1)} ms, ${c.tail.violations} violations; ` +
      `service ${f(c.api.cpu.service_cores, 2)} cores (latency without queueing in a saturated service)`);
  }
  const alone = result.cases.find((c) => c.followers === 0 && !c.rate && c.w === main.w && c.batch === main.batch);
  if (alone && main.followers > 0) {
    p(`- without followers (case ${alone.label}) the API took ${f(alone.api.lines_per_s)} lines/s at ` +
      `${f(alone.api.cpu.service_cpu_ms_per_1000_lines, 1)} ms of service CPU per 1000 lines (API / COPY ${f(alone.ratio, 2)}); ` +
      `with ${main.followers} followers, ${f(s, 1)} ms: serving the followers costs the difference`);
  }
}
p();
p('## How cost grows');
p();
p('Every case on fresh executions in the same table, one after the other (the table and its index grow through the run). ' +
  'Case labels: W writers, B lines per batch, L lines, F followers, R paced lines/s (no COPY for a paced case).');
p();
p('| case | W | BATCH | LINES | API lines/s | API MB/s | COPY lines/s | API/COPY | tail p50 ms | tail p99 ms | violations | POST p99 ms | service ms/1000 lines | PG ms/1000 lines (API) | PG ms/1000 lines (COPY) | service cores | PG cores |');
p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const c of result.cases) {
  p(`| ${c.label} | ${c.w} | ${c.batch} | ${f(c.lines)} | ${f(c.api.lines_per_s)}${c.rate ? ' (paced)' : ''} | ${f(c.api.mb_per_s, 2)} | ${f(c.copy?.lines_per_s)} | ${f(c.ratio, 2)} | ` +
    `${f(c.tail?.latency_ms.p50, 1)} | ${f(c.tail?.latency_ms.p99, 1)} | ${c.tail?.violations ?? 'n/a'} | ${f(c.api.post_ms.p99, 1)} | ` +
    `${f(c.api.cpu.service_cpu_ms_per_1000_lines, 1)} | ${f(c.api.cpu.postgres_cpu_ms_per_1000_lines, 1)} | ${f(c.copy?.cpu.postgres_cpu_ms_per_1000_lines, 1)} | ` +
    `${f(c.api.cpu.service_cores, 2)} | ${f(c.api.cpu.postgres_cores, 2)} |`);
}
p();
p(`The table held ${f(result.table_rows_at_end)} rows at the end (warm-up, API and COPY rows)` +
  (result.partitions?.length ? `; partitions: ${result.partitions.map((x) => `${x.partition} ${x.size}`).join(', ')}.` : '.'));
p();
p('## Notes');
p();
p('- MB/s counts the UTF-8 bytes of the message text and the metadata JSON (the bytes the service bounds per batch), 1 MB = 10^6 bytes; wall time runs from the first POST (or COPY row) to the last answer.');
p('- The raw COPY writes the same generated lines (same sizes, same mix, same send stamp in metadata) with pg-copy-streams (the COPY text made in memory before the clock starts), one `COPY … FROM STDIN` per stream into its own execution, with the sequences it numbers itself: no HTTP, JSON, token check, sequence allocation, idempotency record or live wake-up. It is the ceiling of the database for these rows.');
p('- CPU is read from /proc: the service process (stat ticks); PostgreSQL (schedstat) = the backends of the bench database plus the WAL writer, checkpointer and background writer; the driver = this Node process (writers, COPY streams and the followers thread).');
p('- Tail latency: each line carries the time its POST was built and sent (`metadata.t`); a follower records its arrival time minus that. It includes the commit, the wake-up (Redis pub/sub), the tail read and the SSE write; the followers read in their own thread.');

const md = out.join('\n') + '\n';
if (args.md) writeFileSync(args.md, md);
if (args.json) writeFileSync(args.json, JSON.stringify({ run: meta, ...result }, null, 2) + '\n');
process.stdout.write(md);
