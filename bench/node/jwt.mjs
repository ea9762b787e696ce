// RS256 JWTs for the Agentyard driver, signed with Node's crypto (no library needed).
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export function loadPrivateKey(path) {
  return createPrivateKey(readFileSync(path));
}

/** A signed token: iss "agentyard", sub (a UUID), upn, groups [role], iat, exp = now + ttl. */
export function makeToken(privateKey, { sub = randomUUID(), upn, role, ttlSeconds = 3600 }) {
  const iat = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT' };
  const claims = { iss: 'agentyard', sub, upn: upn ?? `bench-${role}-${sub.slice(0, 8)}`, groups: [role], iat, exp: iat + ttlSeconds };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), privateKey); // RSASSA-PKCS1-v1_5 = RS256
  return `${signingInput}.${b64url(signature)}`;
}
