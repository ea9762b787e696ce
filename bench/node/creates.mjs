// One caller creating tasks one at a time: POST /api/tasks latency with nothing else running, and
// the service's CPU per create (what a create costs, apart from the claimers of the wake-up case).
//   node creates.mjs --base http://127.0.0.1:PORT --key private.pem --service-pid PID [--n 3000] [--warmup 20000] [--out f.json]
import { Agent, request } from 'undici';
import { loadPrivateKey, makeToken } from './jwt.mjs';
import { cpuMeter, emit, log, main, now, parseArgs, percentile, required } from './stats.mjs';

const args = parseArgs();
const BASE = required(args, 'base');
const N = Number(args.n ?? 3000);
const WARMUP = Number(args.warmup ?? 20000);

main(async () => {
  const developer = makeToken(loadPrivateKey(required(args, 'key')), { role: 'developer', ttlSeconds: 3600 });
  const agent = new Agent({ connections: 1, pipelining: 1 });
  const create = async (i) => {
    const t0 = now();
    const { statusCode, body } = await request(`${BASE}/api/tasks`, {
      dispatcher: agent, method: 'POST',
      headers: { authorization: `Bearer ${developer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `create ${i}`, taskType: 'feature', permissionLevel: 'autonomous', priority: 'normal' }),
    });
    await body.text();
    if (statusCode !== 201) throw new Error(`POST /api/tasks answered ${statusCode}`);
    return now() - t0;
  };
  for (let i = 0; i < WARMUP; i++) await create(i);
  log(`warm-up: ${WARMUP} creates`);
  const meter = cpuMeter({ servicePid: Number(args['service-pid']), dbs: [args['db-name']] });
  const latencies = [];
  for (let i = 0; i < N; i++) latencies.push(await create(i));
  const cpu = await meter.stop(N);
  await emit({ n: N, warmup: WARMUP, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpu }, args.out);
}, 1_800_000);
