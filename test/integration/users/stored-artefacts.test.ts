/**
 * Nothing the database holds after a sign-in and a refresh is a credential: codes and
 * refresh tokens are stored under a keyed hash of their value, and their value is not in
 * the stored payload either. Every string read back from the oidc-provider rows is tried
 * at /token, as a refresh token and as a code; the live refresh token still works.
 */
import * as client from 'openid-client';
import { tokensFor } from './browser.js';
import { API, REDIRECT, startUsersWorld, type UsersWorld } from './setup.js';

let w: UsersWorld;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  w = await startUsersWorld({ THROTTLE_TOKEN_FAILURES: 'ip=100000/1m,client=100000/1m' }); // every stored string is tried
  await w.users.add({ username: 'alice', password: PASSWORD });
});
afterAll(async () => { await w?.t.close(); });

/** Every string in a JSON value (keys too), depth first. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

async function tokenRequest(body: Record<string, string>): Promise<{ status: number; error?: string }> {
  const res = await fetch(`${w.t.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'spa', ...body }) });
  const json = await res.json() as { error?: string };
  return { status: res.status, error: json.error };
}

describe('bearer artefacts at rest', () => {
  it('stores no code or refresh token that /token accepts, and the real refresh token still works', async () => {
    const { tokens, callback } = await tokensFor({ config: w.spa, redirectUri: REDIRECT, username: 'alice', password: PASSWORD, params: { resource: API } });
    const code = callback!.searchParams.get('code')!;
    const refreshed = await client.refreshTokenGrant(w.spa, tokens.refresh_token!);
    const live = refreshed.refresh_token!;

    const rows = await w.t.issuer.db.prisma.oidcPayload.findMany();
    expect(rows.map((r) => r.model)).toEqual(expect.arrayContaining(['RefreshToken', 'AuthorizationCode']));
    const dump = JSON.stringify(rows);
    for (const value of [code, tokens.refresh_token!, live]) expect(dump).not.toContain(value);

    const candidates = [...new Set(rows.flatMap((r) => [r.id, r.grantId, r.uid, ...strings(r.payload)]).filter((s): s is string => typeof s === 'string' && s.length >= 16))];
    expect(candidates.length).toBeGreaterThan(3);
    // refresh attempts first: a code replay would revoke the grant and hide an accepted refresh token
    for (const candidate of candidates) {
      expect(await tokenRequest({ grant_type: 'refresh_token', refresh_token: candidate })).toEqual({ status: 400, error: 'invalid_grant' });
    }
    for (const candidate of candidates) {
      expect(await tokenRequest({ grant_type: 'authorization_code', code: candidate, redirect_uri: REDIRECT, code_verifier: 'x'.repeat(43) })).toEqual({ status: 400, error: 'invalid_grant' });
    }
    expect((await client.refreshTokenGrant(w.spa, live)).access_token).toBeDefined();
  });
});
