/**
 * Signing key rotation seen over HTTP: next -> current -> previous -> gone. Tokens
 * signed by a previous key stay active while it is published; once its retention has
 * passed it leaves the JWKS and its tokens stop introspecting.
 */
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { deploymentSecret, rotateSigningKey } from '../../../src/keys/index.js';
import { removeResource, updateClient } from '../../../src/registry/index.js';
import { startTestIssuer, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { basic, discover, get, post } from '../../support/clients.js';
import { testClock } from '../../support/clock.js';

const API = 'https://api.rotation.test';
const TTL = 300;
const clock = testClock();
let t: TestIssuer;
let secret: string;
let config: client.Configuration;

beforeAll(async () => {
  t = await startTestIssuer({}, { now: clock.now });
  await t.addResource({ audience: API, scopes: ['read'], ttl: TTL });
  secret = await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
  config = await discover(t.url, 'svc', secret);
});

afterAll(async () => { await t?.close(); });

const issue = async () => (await client.clientCredentialsGrant(config, { resource: API, scope: 'read' })).access_token;
const active = async (token: string) => (await client.tokenIntrospection(config, token)).active;
const jwksKids = async () => ((await get(`${t.url}/jwks`)).json as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid).sort();
const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const rotate = (now?: Date) => rotateSigningKey({ db: t.issuer.db, kek: t.kek, alg: 'ES256', retentionSec: TTL + t.config.clockTolerance, now });

async function introspectionJwtKid(token: string): Promise<string | undefined> {
  const res = await post(`${t.url}/introspect`, new URLSearchParams({ token }), { ...basic('svc', secret), accept: 'application/token-introspection+jwt' });
  const { protectedHeader, payload } = await jwtVerify(res.text, createRemoteJWKSet(new URL(`${t.url}/jwks`)), { issuer: t.url });
  expect(payload.token_introspection).toMatchObject({ active: true });
  return protectedHeader.kid;
}

describe('signing key rotation', () => {
  let first: string;
  let firstUnseen: string;
  let firstKid: string;
  let firstRotation: Awaited<ReturnType<typeof rotate>>;
  let secondToken: string;

  it('starts with a current and a published next key; tokens carry the current kid', async () => {
    firstKid = t.issuer.keys.signingKey().kid;
    first = await issue();
    firstUnseen = await issue(); // never introspected before its key retires (no cached open)
    expect(kidOf(first)).toBe(firstKid);
    expect(kidOf(firstUnseen)).toBe(firstKid);
    expect(await jwksKids()).toHaveLength(2);
    expect(await jwksKids()).toContain(firstKid);
    expect(await active(first)).toBe(true);
  });

  it('after a rotation: old tokens stay active, new tokens use the promoted key, JWKS has previous, current and next', async () => {
    const nextBefore = (await jwksKids()).find((k) => k !== firstKid)!;
    firstRotation = await rotate();
    await t.issuer.keys.reload();
    expect(firstRotation).toMatchObject({ rotated: true, current: nextBefore, retired: [] });
    expect(t.issuer.keys.signingKey().kid).toBe(nextBefore);

    secondToken = await issue();
    expect(kidOf(secondToken)).toBe(nextBefore);
    expect(kidOf(secondToken)).not.toBe(firstKid);
    expect(await active(first)).toBe(true);
    expect(await active(secondToken)).toBe(true);
    expect(await jwksKids()).toEqual([firstKid, firstRotation.current, firstRotation.next].sort());
  });

  it('signs introspection JWTs with the new current key (the provider follows the rotation)', async () => {
    expect(await introspectionJwtKid(secondToken)).toBe(firstRotation.current);
  });

  // regression: a token opened (and cached) before its key retired stayed active until its exp
  it('after a second rotation past the retention, the oldest key leaves the JWKS and its tokens are inactive', async () => {
    const later = new Date(Date.now() + (TTL + t.config.clockTolerance + 60) * 1000);
    const second = await rotate(later);
    await t.issuer.keys.reload();
    expect(second.retired).toEqual([firstKid]);
    expect(second.current).toBe(firstRotation.next);

    const kids = await jwksKids();
    expect(kids).not.toContain(firstKid);
    expect(kids).toEqual([firstRotation.current, second.current, second.next].sort());

    expect(await active(first)).toBe(false);
    expect(await client.tokenIntrospection(config, first)).toEqual({ active: false });
    expect(await client.tokenIntrospection(config, firstUnseen)).toEqual({ active: false });
    expect(await active(secondToken)).toBe(true);
    const third = await issue();
    expect(kidOf(third)).toBe(second.current);
    expect(await active(third)).toBe(true);
  });

  it('a removed resource server: its tokens stop introspecting, even ones opened before', async () => {
    const gone = 'https://gone.rotation.test';
    await t.addResource({ audience: gone, scopes: ['read'] });
    await updateClient(t.issuer.db, await deploymentSecret(t.issuer.db, t.kek, 'client-secret'), { id: 'svc', grants: ['client_credentials'], scopes: ['read'], audiences: [API, gone] });
    clock.advance(1001); // past the registry lookups remembered for a second
    const token = (await client.clientCredentialsGrant(config, { resource: gone, scope: 'read' })).access_token;
    expect(await active(token)).toBe(true);
    await removeResource(t.issuer.db, gone, new Date(Date.now() + 3_600_000));
    await t.issuer.keys.reload();
    expect(await client.tokenIntrospection(config, token)).toEqual({ active: false });
    expect(await active(secondToken)).toBe(true);
  });

  it('logged no server error across the rotations', () => {
    expect(serverErrors(t.logs)).toEqual([]);
  });
});
