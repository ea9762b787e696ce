// SSE followers of the log-ingest benchmark, run in a worker thread of logs.mjs so that the writers'
// work does not delay reading the streams (and the other way round).
//
// workerData: { base, token, executions: [id...], followers, origin }. Follower i follows
// executions[i % executions.length] on GET /api/executions/{id}/logs/stream. For every line of every
// `logs` event (a JSON array; the event's id is its last line's sequence) it checks the sequence
// (last + 1) and
// records now - metadata.t (ms since `origin`, the epoch ms both threads count from).
// Messages in: { type: 'finish', last: { executionId: lastSequence }, graceMs }: wait until every
// follower has its execution's last sequence (or graceMs passed), close the streams, answer
// { type: 'result', ... }. Messages out: { type: 'connected', connected, waitedMs } once every
// stream has answered with its headers (or after a bound), and { type: 'error', message }.
import { parentPort, workerData } from 'node:worker_threads';
import { Agent, request } from 'undici';

const { base, token, executions, followers: count, origin } = workerData;
const clock = () => performance.timeOrigin + performance.now() - origin;

const agent = new Agent({ connections: count + 2, keepAliveTimeout: 30_000, pipelining: 0 });
const followers = [];
let latencies = new Float64Array(1 << 16);
let samples = 0;

function record(ms) {
  if (samples === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[samples++] = ms;
}

function onEvent(f, event, id, data) {
  if (event === 'end') {
    f.ends++;
    return;
  }
  if (event !== 'logs') {
    f.otherEvents++;
    return;
  }
  const now = clock();
  let lines;
  try {
    lines = JSON.parse(data);
  } catch {
    f.unparsable++;
    return;
  }
  // one event carries the lines of one tail read; its id is the last line's sequence
  if (lines.length === 0 || String(lines[lines.length - 1].sequence) !== id) f.idMismatches++;
  for (const line of lines) {
    const seq = line.sequence;
    if (seq === f.last + 1) {
      f.last = seq;
    } else if (seq <= f.last) {
      f.duplicates++; // seen before, or out of order
    } else {
      f.gaps += seq - f.last - 1; // lines skipped
      f.last = seq;
    }
    f.delivered++;
    const t = line.metadata?.t;
    if (typeof t === 'number') record(now - t);
    else f.unstamped++;
  }
  if (f.target != null && f.last >= f.target) f.resolveDone?.();
}

/** Reads one SSE stream until it ends or is aborted. */
async function follow(f) {
  const url = `${base}/api/executions/${f.executionId}/logs/stream`;
  let res;
  try {
    const headers = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (f.last > 0) headers['last-event-id'] = String(f.last); // resuming, as EventSource does
    res = await request(url, {
      dispatcher: agent,
      headers,
      signal: f.abort.signal,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  } catch (err) {
    if (!f.closing) f.error = `connect: ${err.message}`;
    f.resolveConnected();
    return;
  }
  f.status = res.statusCode;
  f.resolveConnected();
  if (res.statusCode !== 200) {
    f.error = `status ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`;
    return;
  }
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let id = '';
  let data = [];
  try {
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        let line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (line === '') {
          if (data.length > 0 || event !== 'message') onEvent(f, event, id, data.join('\n'));
          event = 'message';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue; // comment / keep-alive
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
      }
    }
    if (!f.closing && f.ends === 0) {
      // the service ends a follower that falls too far behind: reconnect from the last line seen
      f.reconnects++;
      return follow(f);
    }
  } catch (err) {
    if (!f.closing) f.error = `read: ${err.message}`;
  }
}

for (let i = 0; i < count; i++) {
  const f = {
    index: i, executionId: executions[i % executions.length], abort: new AbortController(), closing: false,
    last: 0, delivered: 0, duplicates: 0, gaps: 0, idMismatches: 0, unparsable: 0, unstamped: 0, ends: 0, otherEvents: 0,
    status: null, error: null, target: null, resolveDone: null, reconnects: 0,
  };
  f.connected = new Promise((resolve) => { f.resolveConnected = resolve; });
  f.done = follow(f);
  followers.push(f);
}

// The service may hold the response headers back until the first event; do not wait forever.
const t0 = clock();
Promise.race([
  Promise.all(followers.map((f) => f.connected)),
  new Promise((resolve) => setTimeout(resolve, 3000)),
]).then(() => {
  const connected = followers.filter((f) => f.status === 200).length;
  const failed = followers.find((f) => f.error);
  if (failed) parentPort.postMessage({ type: 'error', message: `follower ${failed.index}: ${failed.error}` });
  else parentPort.postMessage({ type: 'connected', connected, waitedMs: clock() - t0 });
});

parentPort.on('message', async (msg) => {
  if (msg.type !== 'finish') return;
  const waits = followers.map((f) => {
    f.target = msg.last[f.executionId] ?? 0;
    if (f.last >= f.target) return Promise.resolve();
    return new Promise((resolve) => { f.resolveDone = resolve; });
  });
  const finishAt = clock();
  await Promise.race([Promise.all(waits), new Promise((resolve) => setTimeout(resolve, msg.graceMs))]);
  const drainMs = clock() - finishAt;
  for (const f of followers) {
    f.closing = true;
    f.abort.abort();
  }
  await Promise.allSettled(followers.map((f) => f.done));
  await agent.close().catch(() => {});
  const sum = (k) => followers.reduce((a, f) => a + f[k], 0);
  const expected = followers.reduce((a, f) => a + f.target, 0);
  const missing = followers.reduce((a, f) => a + Math.max(0, f.target - f.last), 0);
  const out = latencies.slice(0, samples);
  parentPort.postMessage({
    type: 'result',
    followers: followers.length,
    delivered: sum('delivered'),
    expected,
    missing_at_end: missing,
    duplicates_or_out_of_order: sum('duplicates'),
    gaps: sum('gaps'),
    id_mismatches: sum('idMismatches'),
    unparsable: sum('unparsable'),
    unstamped: sum('unstamped'),
    end_events: sum('ends'),
    reconnects: sum('reconnects'),
    other_events: sum('otherEvents'),
    errors: followers.filter((f) => f.error).map((f) => `follower ${f.index}: ${f.error}`),
    drain_after_writers_ms: Number(drainMs.toFixed(1)),
    latencies: out,
  }, [out.buffer]);
});
