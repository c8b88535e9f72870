/**
 * Embedded mode runs the scheduled processors in-process: the key rotation job
 * (`keys rotate --if-due` every second here) rotates while clients obtain tokens
 * concurrently, and not one token fails verification (introspection, and the outer
 * signature against the published JWKS); the purge job deletes expired rows only.
 */
import { createLocalJWKSet, compactVerify } from 'jose';
import { oauthClient } from '../admin/oauth.js';
import { get } from '../../support/clients.js';
import { startTestIssuer, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { eventually } from '../../support/receivers.js';

const AUDIENCE = 'https://ledger.example/api';
const SCOPE = 'ledger:read';
const CLIENT = 'ledger-sync';
const SECRET = 'ledger-sync-secret-0123456789-abcdefghijkl';

let t: TestIssuer;

beforeAll(async () => {
  // budgets above what three loops can ask for in 4.5 s on a fast machine (throttling is tested in test/integration/throttle)
  t = await startTestIssuer({ JOB_ROTATION_CHECK: '1s', SIGNING_KEY_ROTATION: '1s', JOB_PURGE_INTERVAL: '1s', THROTTLE_TOKEN: 'ip=100000/1m,client=100000/1m', THROTTLE_INTROSPECT: 'ip=100000/1m,client=100000/1m' });
  await t.addResource({ audience: AUDIENCE, scopes: [SCOPE] });
  await t.addClient({ id: CLIENT, secret: SECRET, scopes: [SCOPE], audiences: [AUDIENCE] });
});
afterAll(() => t?.close());

it('the rotation job rotates under concurrent issuance and no token fails verification', async () => {
  const oauth = await oauthClient(t.url, CLIENT, SECRET);
  const tokens: string[] = [];
  const kids = new Set<string>();
  const until = Date.now() + 4500;
  await Promise.all([1, 2, 3].map(async () => {
    while (Date.now() < until) {
      const token = await oauth.token(AUDIENCE, SCOPE);
      tokens.push(token);
      kids.add(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid as string);
    }
  }));
  expect(kids.size).toBeGreaterThanOrEqual(3); // at least two rotations happened meanwhile
  const jwks = createLocalJWKSet((await get(`${t.url}/jwks`)).json as { keys: [] });
  const inactive: string[] = [];
  for (const token of tokens) {
    await compactVerify(token, jwks); // throws if any token's signing key is not published
    if (!(await oauth.active(token))) inactive.push(token);
  }
  expect(inactive).toEqual([]);
  expect(tokens.length).toBeGreaterThan(20);
  expect(t.logs.filter((l) => l.msg === 'key.rotated').length).toBeGreaterThanOrEqual(2);
  expect(serverErrors(t.logs)).toEqual([]);
});

it('the purge job deletes expired rows and keeps live ones', async () => {
  const { prisma } = t.issuer.db;
  const past = new Date(Date.now() - 60_000);
  const future = new Date(Date.now() + 3600_000);
  await prisma.revocation.createMany({ data: [{ jti: 'old-jti', expiresAt: past }, { jti: 'live-jti', expiresAt: future }] });
  await prisma.oidcPayload.createMany({ data: [
    { model: 'Session', id: 'old-session', payload: {}, expiresAt: past },
    { model: 'Session', id: 'live-session', payload: {}, expiresAt: future },
  ] });
  await eventually('expired rows to be purged', 5000, async () => (await prisma.revocation.count({ where: { jti: 'old-jti' } })) === 0
    && (await prisma.oidcPayload.count({ where: { id: 'old-session' } })) === 0, 100);
  expect(await prisma.revocation.count({ where: { jti: 'live-jti' } })).toBe(1);
  expect(await prisma.oidcPayload.count({ where: { id: 'live-session' } })).toBe(1);
});
