// What one request costs task-service, split by how far it goes: an unauthenticated request for a
// path that does not exist (404: HTTP, routing, a problem body), a worker's claim refused by
// validation (400: + token, JSON body, validation), and a claim on a queue that never has work (200:
// + a group-committed transaction that finds nothing). W closed-loop clients; warm-up rounds of each
// kind in turn (the JIT compiles the three paths together), then ROUNDS timed rounds of each.
//
//   node floor.mjs --base http://127.0.0.1:PORT --db postgres://.../DB --key private.pem --service-pid PID
//        [--n 20000] [--w 16] [--warmup-rounds 4] [--rounds 2] [--out file.json]
import { basename } from 'node:path';
import pg from 'pg';
import { Agent, request } from 'undici';
import { loadPrivateKey } from './jwt.mjs';
import { EMPTY_QUEUE, registerWorkers } from './workers.mjs';
import { cpuMeter, emit, log, main, now, parseArgs, required } from './stats.mjs';

const args = parseArgs();
const BASE = required(args, 'base');
const DB = required(args, 'db');
const SERVICE_PID = Number(required(args, 'service-pid'));
const N = Number(args.n ?? 20000);
const W = Number(args.w ?? 16);
const WARMUP_ROUNDS = Number(args['warmup-rounds'] ?? 4);
const ROUNDS = Number(args.rounds ?? 2);

const KINDS = {
  not_found: { what: 'GET of a path that does not exist, no token (404)', request: () => ({ method: 'GET', path: '/bench-nothing-here', status: 404 }) },
  invalid_claim: { what: 'a worker\'s claim refused by validation (400)', request: (token) => ({ method: 'POST', path: '/api/work-orders/claim', token,
    body: { queues: [], max: 1 }, status: 400 }) },
  empty_claim: { what: 'a worker\'s claim on a queue that never has work (200, [])', request: (token) => ({ method: 'POST', path: '/api/work-orders/claim', token,
    body: { queues: [EMPTY_QUEUE], max: 1, waitSeconds: 0 }, status: 200 }) },
};

main(async () => {
  const db = new pg.Client({ connectionString: DB });
  await db.connect();
  const agent = new Agent({ connections: W, keepAliveTimeout: 30_000, pipelining: 1 });
  const key = loadPrivateKey(required(args, 'key'));
  const tokens = (await registerWorkers(db, key, W)).map((worker) => worker.token);
  const run = async (kind, count) => {
    let sent = 0;
    const meter = cpuMeter({ servicePid: SERVICE_PID, dbs: [basename(new URL(DB).pathname)] });
    const t0 = now();
    await Promise.all(tokens.map(async (token) => {
      while (sent < count) {
        sent++;
        const r = KINDS[kind].request(token);
        const res = await request(BASE + r.path, { method: r.method, dispatcher: agent, body: r.body ? JSON.stringify(r.body) : undefined,
          headers: { ...(r.token ? { authorization: `Bearer ${r.token}` } : {}), 'content-type': 'application/json', accept: 'application/json' } });
        const text = await res.body.text();
        if (res.statusCode !== r.status) throw new Error(`${kind}: ${res.statusCode} (expected ${r.status}): ${text.slice(0, 300)}`);
      }
    }));
    const wallMs = now() - t0;
    return { per_s: Number((sent / wallMs * 1000).toFixed(0)), cpu: meter.stop(sent) };
  };
  const result = { n: N, w: W, warmup_rounds: WARMUP_ROUNDS, kinds: {} };
  try {
    for (let round = 1; round <= WARMUP_ROUNDS + ROUNDS; round++) {
      for (const kind of Object.keys(KINDS)) {
        const r = await run(kind, N);
        log(`${round <= WARMUP_ROUNDS ? 'warm-up' : 'timed'} round ${round}, ${kind}: ${r.per_s}/s, service ${r.cpu.service_cpu_ms_per_unit} ms/request (JIT ${r.cpu.service_jit_cpu_ms_per_unit})`);
        if (round > WARMUP_ROUNDS) (result.kinds[kind] ??= { what: KINDS[kind].what, rounds: [] }).rounds.push(r);
      }
    }
  } finally {
    await db.end();
    await agent.close();
  }
  await emit(result, args.out);
}, 30 * 60_000);
