/**
 * The SDK's SET receiver over real HTTP on loopback: SETs signed by the issuer's key
 * are applied once; forged, replayed, unknown-key, other-audience, other-issuer,
 * wrong-typ and stale SETs are refused with the RFC 8935 §2.3 error and change nothing.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { signSet } from '../../../src/events/index.js';
import { generateSigningKey, importSigningKey, type SigningKeyView } from '../../../src/keys/index.js';
import { startReceiver, type RunningReceiver } from '../../support/receivers.js';

const ISSUER = 'https://issuer.example';
const AUDIENCE = 'https://orders.example/api';
const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';

let key: SigningKeyView;
let rs: RunningReceiver;
let n = 0;

function revokeJti(jti: string, aud = AUDIENCE, iss = ISSUER) {
  return { iss, aud, sub_id: { format: 'jwt_id', iss: ISSUER, jti }, events: { [`${CAEP}session-revoked`]: { event_timestamp: 1 } } };
}

async function push(set: string, type = 'application/secevent+jwt') {
  const res = await fetch(rs.url, { method: 'POST', body: set, headers: { 'content-type': type } });
  return { status: res.status, body: res.status === 400 ? await res.json() as { err: string } : undefined };
}

const token = (jti: string, extra: object = {}) => ({ jti, sub: 'alice', ...extra });
const nextJti = () => `set-${++n}`;

beforeAll(async () => {
  const k = await generateSigningKey('ES256');
  key = { kid: k.kid, alg: 'ES256', key: await importSigningKey(k.privateJwk, 'ES256'), privateJwk: k.privateJwk };
  rs = await startReceiver({ issuer: ISSUER, audience: AUDIENCE, keys: createLocalJWKSet({ keys: [k.publicJwk] }) });
});
afterAll(() => rs.close());

describe('SDK SET receiver', () => {
  it('applies a valid SET: the named token is refused, others are not', async () => {
    expect(await push(await signSet(revokeJti('tok-1'), nextJti(), key, new Date()))).toEqual({ status: 202, body: undefined });
    expect(rs.receiver.view.isRevoked(token('tok-1'))).toBe(true);
    expect(rs.receiver.view.isRevoked(token('tok-2'))).toBe(false);
  });

  it('a replayed SET is not applied again, so it cannot undo a later event', async () => {
    const sub = { format: 'opaque', id: 'handle-a' };
    const disable = await signSet({ iss: ISSUER, aud: AUDIENCE, sub_id: sub, events: { [`${RISC}account-disabled`]: {} } }, nextJti(), key, new Date());
    const enable = await signSet({ iss: ISSUER, aud: AUDIENCE, sub_id: sub, events: { [`${RISC}account-enabled`]: {} } }, nextJti(), key, new Date());
    await push(disable);
    expect(rs.receiver.view.isRevoked(token('t', { sh: 'handle-a', gen: 0 }))).toBe(true);
    await push(enable);
    expect(rs.receiver.view.isRevoked(token('t', { sh: 'handle-a', gen: 0 }))).toBe(false);
    const before = rs.receiver.stats.duplicates;
    expect((await push(disable)).status).toBe(202);
    expect(rs.receiver.stats.duplicates).toBe(before + 1);
    expect(rs.receiver.view.isRevoked(token('t', { sh: 'handle-a', gen: 0 }))).toBe(false);
  });

  it('a subject generation event refuses older generations only', async () => {
    const set = { iss: ISSUER, aud: AUDIENCE, sub_id: { format: 'opaque', id: 'handle-b' }, events: { [`${CAEP}session-revoked`]: { portcullis_generation: 3 } } };
    await push(await signSet(set, nextJti(), key, new Date()));
    expect(rs.receiver.view.isRevoked(token('x', { sh: 'handle-b', gen: 2 }))).toBe(true);
    expect(rs.receiver.view.isRevoked(token('y', { sh: 'handle-b', gen: 3 }))).toBe(false);
    expect(rs.receiver.view.isRevoked(token('z', { sh: 'handle-c', gen: 0 }))).toBe(false);
  });

  it('refuses a forged SET (payload changed after signing)', async () => {
    const set = await signSet(revokeJti('forged-1'), nextJti(), key, new Date());
    const [h, , s] = set.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...revokeJti('forged-2'), jti: 'f', iat: Math.floor(Date.now() / 1000) })).toString('base64url')}.${s}`;
    expect(await push(forged)).toEqual({ status: 400, body: { err: 'invalid_key', description: expect.any(String) } });
    expect(rs.receiver.view.isRevoked(token('forged-2'))).toBe(false);
  });

  it('refuses a SET signed by a key the issuer does not publish, even with a known kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    for (const kid of ['someone-else', key.kid]) {
      const set = await new SignJWT(revokeJti('unknown-key')).setProtectedHeader({ alg: 'ES256', kid, typ: 'secevent+jwt' }).setJti(nextJti()).setIssuedAt().sign(privateKey as CryptoKey);
      expect((await push(set)).body?.err).toBe('invalid_key');
    }
    expect(rs.receiver.view.isRevoked(token('unknown-key'))).toBe(false);
  });

  it('refuses a SET carrying its own key in the header (jwk) or a jku', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)) } as JWK;
    const set = await new SignJWT(revokeJti('embedded-key')).setProtectedHeader({ alg: 'ES256', jwk, jku: 'http://127.0.0.1:1/jwks', typ: 'secevent+jwt' }).setJti(nextJti()).setIssuedAt().sign(privateKey as CryptoKey);
    expect((await push(set)).status).toBe(400);
    expect(rs.receiver.view.isRevoked(token('embedded-key'))).toBe(false);
  });

  it('refuses another audience, another issuer, the wrong typ, a stale iat and a wrong content type', async () => {
    expect((await push(await signSet(revokeJti('aud', 'https://other.example/api'), nextJti(), key, new Date()))).body?.err).toBe('invalid_audience');
    expect((await push(await signSet(revokeJti('iss', AUDIENCE, 'https://evil.example'), nextJti(), key, new Date()))).body?.err).toBe('invalid_issuer');
    const asAccessToken = await new SignJWT(revokeJti('typ')).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' }).setJti(nextJti()).setIssuedAt().sign(key.key);
    expect((await push(asAccessToken)).body?.err).toBe('invalid_request');
    const stale = await signSet(revokeJti('stale'), nextJti(), key, new Date(Date.now() - 3600_000));
    expect((await push(stale)).body?.err).toBe('invalid_request');
    expect((await push(await signSet(revokeJti('ctype'), nextJti(), key, new Date()), 'application/jwt')).status).toBe(400);
    expect((await push('not.a.jwt')).status).toBe(400);
    for (const jti of ['aud', 'iss', 'typ', 'stale', 'ctype']) expect(rs.receiver.view.isRevoked(token(jti))).toBe(false);
  });
});
