// Realistic coding-agent log lines for the log-ingest benchmark (logs.mjs): the same generator feeds
// the API writers and the raw COPY reference, so both store lines of the same sizes and mix.
//
// A line: a level (INFO 70 %, DEBUG 15 %, WARNING 10 %, ERROR 4 %, CRITICAL 1 %), a message of 80 to
// 200 characters (tool calls, file reads and edits, build and test output, model turns; about 2 %
// hold a non-ASCII character such as ✓ or →), a metadata object for about 35 % of the lines (tool,
// file, step, tokens), and for about half a worker-side timestamp (loggedAt). The benchmark adds
// its own send stamp {"t": ms} to every line's metadata, so every line carries metadata on the wire.

const LEVELS = [
  ['INFO', 0.70],
  ['DEBUG', 0.85],
  ['WARNING', 0.95],
  ['ERROR', 0.99],
  ['CRITICAL', 1.0],
];

const FILES = [
  'task-service/src/main/java/io/agentyard/task/dispatch/WorkOrderService.java',
  'execution-service/src/main/java/io/agentyard/execution/log/LogStore.java',
  'agent-service/src/main/java/io/agentyard/agent/worker/WorkerResource.java',
  'shared-model/src/main/java/io/agentyard/shared/events/Outbox.java',
  'worker/src/main/java/io/agentyard/worker/run/AgentProcess.java',
  'web/src/components/TaskBoard.tsx',
  'deploy/base/execution-service.yaml',
  'README.md',
  'src/lib/parser.ts',
  'tests/test_scheduler.py',
];
const TOOLS = ['Bash', 'Read', 'Edit', 'Write', 'Grep', 'Glob', 'WebFetch', 'TodoWrite'];
const WORDS = ('the claim statement returns the order and its lease; update the retry backoff, check the ' +
  'fencing token before completing; run the focused test again; the migration adds an index on ' +
  'execution_id and seq; refactor the handler so the transaction commits before the event is sent; ' +
  'parse the response body, validate every field, map the failure to a problem detail; the cache ' +
  'entry expires after five minutes; queue depth is stable at twelve; flaky test isolated')
  .split(' ');
const TEMPLATES = [
  (r) => `Reading ${pick(r, FILES)} (${100 + Math.floor(r() * 900)} lines)`,
  (r) => `Running: ./mvnw -q -B test -pl ${pick(r, ['task-service', 'execution-service', 'agent-service'])} -Dtest=${pick(r, ['WorkOrderServiceTest', 'LogResourceTest', 'TailTest'])}`,
  (r) => `[tool:${pick(r, TOOLS)}] Edit applied to ${pick(r, FILES)}: replaced ${1 + Math.floor(r() * 40)} lines with ${1 + Math.floor(r() * 40)} lines`,
  (r) => `Tests run: ${10 + Math.floor(r() * 200)}, Failures: 0, Errors: 0, Skipped: ${Math.floor(r() * 3)}, Time elapsed: ${(r() * 20).toFixed(3)} s - in io.agentyard.task.WorkOrderServiceTest`,
  (r) => `Assistant: I'll look at ${pick(r, FILES)} first, then change the claim so that it`,
  (r) => `npm WARN deprecated ${pick(r, ['inflight@1.0.6', 'glob@7.2.3', 'rimraf@3.0.2'])}: This module is not supported, and leaks memory. Do not use it.`,
  (r) => `[ERROR] ${pick(r, FILES)}:[${1 + Math.floor(r() * 400)},${1 + Math.floor(r() * 80)}] cannot find symbol: method claimNext(java.util.UUID,int)`,
  (r) => `git diff --stat: ${1 + Math.floor(r() * 12)} files changed, ${Math.floor(r() * 300)} insertions(+), ${Math.floor(r() * 200)} deletions(-)`,
  (r) => `Thinking: the test fails because the lease expires before the heartbeat; the reaper runs every`,
  (r) => `HTTP POST http://127.0.0.1:8083/api/work-orders/claim -> 200 in ${(r() * 40).toFixed(1)} ms, ${Math.floor(r() * 10)} orders`,
];
const NON_ASCII = [' ✓', ' →', ' …', ' ✗', ' — done'];

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}

/** A small, fast seeded PRNG (mulberry32): the same seed gives the same lines. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A line generator: next() returns { level, message, meta, withLoggedAt } where meta is the JSON
 * text of the line's own metadata fields without the braces ('' when it has none), ready for the
 * send stamp to be added.
 */
export function lineGenerator(seed) {
  const r = rng(seed);
  let step = 0;
  return {
    next() {
      const x = r();
      const level = LEVELS.find(([, upTo]) => x < upTo)[0];
      const target = 80 + Math.floor(r() * 121); // 80..200 characters
      let message = TEMPLATES[Math.floor(r() * TEMPLATES.length)](r);
      while (message.length < target) message += ' ' + WORDS[Math.floor(r() * WORDS.length)];
      if (message.length > target) message = message.slice(0, target);
      if (r() < 0.02) message = message.slice(0, target - 7) + pick(r, NON_ASCII);
      let meta = '';
      const m = r();
      if (m < 0.15) meta = `"tool":"${pick(r, TOOLS)}","step":${++step}`;
      else if (m < 0.28) meta = `"file":"${pick(r, FILES)}","line":${1 + Math.floor(r() * 900)}`;
      else if (m < 0.35) meta = `"model":"claude-sonnet","inputTokens":${Math.floor(r() * 20000)},"outputTokens":${Math.floor(r() * 2000)}`;
      return { level, message, meta, withLoggedAt: r() < 0.5 };
    },
  };
}

/** The metadata JSON of a line with the send stamp t (ms, 3 decimals) added. */
export function metadataJson(meta, t) {
  const stamp = `"t":${t.toFixed(3)}`;
  return meta ? `{${meta},${stamp}}` : `{${stamp}}`;
}
