// Workers for the drivers that talk to task-service: registered straight in its database (as
// agent-service's worker events would), each with an RS256 token of role worker.
import { randomUUID } from 'node:crypto';
import { makeToken } from './jwt.mjs';
import { log } from './stats.mjs';

/** A queue no task ever goes to: claims on it find nothing (empty claims, a request's floor). */
export const EMPTY_QUEUE = 'bench_never_filled';

/**
 * Inserts `count` idle workers (type feature, 10 slots) into task.workers and mints a token for each;
 * returns [{ id, token }].
 */
export async function registerWorkers(db, key, count, { name = 'bench-worker', ttlSeconds } = {}) {
  const ids = Array.from({ length: count }, () => randomUUID());
  await db.query(`INSERT INTO task.workers (id, worker_type, max_concurrent_tasks, status, updated_at)
                  SELECT id, 'feature', 10, 'idle', now() FROM unnest($1::uuid[]) id`, [ids]);
  return ids.map((id, i) => ({ id, token: makeToken(key, { sub: id, upn: `${name}-${i}`, role: 'worker', ttlSeconds }) }));
}

/**
 * Optional request fields a task-service from before them refuses (400, unknown field). `sends` says,
 * per field, whether it is still sent; `without` what leaving it out means (logged once). When this
 * answer refused a field of `body`, turns that field off for the rest of the run and returns the body
 * to send again without it; otherwise null.
 */
export function withoutRefusedField(sends, without, status, text, body) {
  if (status !== 400 || !body) return null;
  const refused = Object.keys(sends).find((field) => field in body && text.includes(`unknown field '${field}'`));
  if (!refused) return null;
  if (sends[refused]) log(`the service refuses the field "${refused}": ${without[refused]}`);
  sends[refused] = false;
  const { [refused]: _, ...rest } = body;
  return rest;
}
