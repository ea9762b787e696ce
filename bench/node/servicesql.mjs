// task-service's own hot-path SQL, read from its Java source so the benchmark cannot drift from the
// service: the text blocks (`String NAME = """...""";`) of the dispatch classes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DISPATCH = 'task-service/src/main/java/io/agentyard/task/dispatch';

/**
 * The text block NAME of FILE (under the dispatch package), comments dropped, on one line; with
 * `optional`, null when FILE has no such block (older sources) instead of an error.
 */
export function textBlock(root, file, name, { optional = false } = {}) {
  const path = join(root, DISPATCH, file);
  if (!existsSync(path)) throw new Error(`FAILED: no ${path}`);
  const source = readFileSync(path, 'utf8');
  const match = source.match(new RegExp(`String ${name}\\s*=\\s*"""([\\s\\S]*?)""";`));
  if (!match) {
    if (optional) return null;
    throw new Error(`FAILED: no text block ${name} in ${file}`);
  }
  // one line: pgbench reads a statement per line (\gset must follow it)
  return match[1].replace(/--[^\n]*\n/g, '\n').replace(/\s+/g, ' ').trim();
}

/** Replaces $1..$n by the given SQL expressions (every placeholder must have one). */
export function bind(sql, params) {
  return sql.replace(/\$(\d+)/g, (all, n) => {
    if (!(n in params)) throw new Error(`FAILED: no value for $${n}`);
    return params[n];
  });
}

/** Which source holds the hot path: WorkOrderQueue.java when present, else WorkOrderService.java. */
export function hotPathSource(root) {
  return existsSync(join(root, DISPATCH, 'WorkOrderQueue.java')) ? 'WorkOrderQueue.java' : 'WorkOrderService.java';
}

/**
 * The claim as the service prepares it, for EXPLAIN: { name, sql, types, params(workerIds, max) }.
 * WorkOrderService's CLAIM: $1 worker, $2 queues, $3 max, $4 trace context.
 */
export function claimForPlan(root) {
  const source = hotPathSource(root);
  if (source === 'WorkOrderService.java') {
    return {
      source, name: 'CLAIM', sql: textBlock(root, source, 'CLAIM'), types: ['uuid', 'text[]', 'int', 'text'],
      params: (workerIds, queue, max) => [workerIds[0], [queue], max, null],
    };
  }
  // WorkOrderQueue's CLAIM (LOCK_WORKERS runs before it in the same transaction): $1 workers, $2 wanted,
  // $3 traces, $4 queues, $5 claiming statuses, $6 lease s, $7 default timeout s, $8/$9 task statuses,
  // $10/$11 event types, $12 wanted in all. Planned as the busy service issues it: all W workers at once.
  const pinned = textBlock(root, source, 'PINNED_PLANS', { optional: true });
  return {
    source, name: 'CLAIM', sql: textBlock(root, source, 'CLAIM'), pinned,
    types: ['uuid[]', 'int[]', 'text[]', 'text[]', 'text[]', 'int', 'int', 'text', 'text', 'text', 'text', 'int'],
    params: (workerIds, queue, max) => [workerIds, workerIds.map(() => max), workerIds.map(() => null), [queue],
      ['idle', 'busy'], 60, 3600, 'queued', 'in_progress', 'task.status_changed', 'work_order.claimed', workerIds.length * max],
  };
}

/** Relations read by sequential scan, and indexes used, in an EXPLAIN (FORMAT JSON) plan. */
export function planScans(plan) {
  const seq = new Set();
  const index = new Set();
  const walk = (node) => {
    if (!node) return;
    if (node['Node Type'] === 'Seq Scan') seq.add(node['Relation Name']);
    if (node['Index Name']) index.add(node['Index Name']);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan.Plan);
  return { seq_scans: [...seq].sort(), indexes: [...index].sort() };
}
