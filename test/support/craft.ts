/**
 * Hand-built nested tokens for a running test issuer: any outer header, signed with
 * the issuer's real current key (node:crypto, so headers jose would refuse to produce
 * are possible), over an inner JWE encrypted under the real derived content key.
 * A token crafted with no overrides is valid, which the tests check as a control.
 */
import { createCipheriv, createHmac, createPrivateKey, randomBytes, randomUUID, sign as nodeSign } from 'node:crypto';
import { deriveContentKey, utcDay, type ContentKeyContext } from '../../src/keys/index.js';
import type { TestIssuer } from './issuer.js';

export const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');
export const b64json = (value: unknown): string => b64(JSON.stringify(value));

function clean(header: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(header).filter(([, v]) => v !== undefined));
}

export interface InnerSpec {
  aud: string;
  sub: string;
  clientId: string;
  /** header members to add or override; `undefined` removes one */
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** derivation inputs to use instead of the defaults (e.g. a forged `sh` the key is really derived for) */
  keyContext?: Partial<ContentKeyContext>;
}

/** A compact JWE (dir, A256GCM) under the audience's real current master. */
export async function craftInner(t: TestIssuer, spec: InnerSpec): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const master = await t.issuer.keys.currentMaster(spec.aud);
  if (!master) throw new TypeError(`no master for ${spec.aud}`);
  const claims = { iss: t.url, sub: spec.sub, aud: spec.aud, iat: now, exp: now + 300, jti: randomUUID(), client_id: spec.clientId, scope: 'read', ...spec.claims };
  const base = { alg: 'dir', enc: 'A256GCM', typ: 'at+jwt', iss: t.url, aud: spec.aud, msv: master.version, day: utcDay(now), sh: t.issuer.tokens.handleOf(spec.sub), gen: 0 };
  const header = clean({ ...base, ...spec.keyContext, ...spec.header });
  const protectedB64 = b64json(header);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveContentKey(master.secret, { ...base, ...spec.keyContext } as ContentKeyContext), iv);
  cipher.setAAD(Buffer.from(protectedB64, 'ascii'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(claims), 'utf8'), cipher.final()]);
  return [protectedB64, '', b64(iv), b64(ct), b64(cipher.getAuthTag())].join('.');
}

/** The issuer's current signing key's default outer header. */
export function outerHeader(t: TestIssuer, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { kid, alg } = t.issuer.keys.signingKey();
  return clean({ alg, kid, typ: 'portcullis-at+jwt', cty: 'JWT', ...overrides });
}

/** Signs `header.payload` with the issuer's real current private key (ES256). */
export function signWithIssuerKey(t: TestIssuer, header: Record<string, unknown>, payload: string): string {
  const input = `${b64json(header)}.${b64(payload)}`;
  const key = createPrivateKey({ key: t.issuer.keys.signingKey().privateJwk as never, format: 'jwk' });
  return `${input}.${b64(nodeSign('sha256', Buffer.from(input, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }))}`;
}

/** Signs with HMAC-SHA256 under `secret` (the classic key-confusion attack). */
export function signHs256(header: Record<string, unknown>, payload: string, secret: string | Buffer): string {
  const input = `${b64json(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** `header.payload.` with no signature (alg none). */
export function unsigned(header: Record<string, unknown>, payload: string): string {
  return `${b64json(header)}.${b64(payload)}.`;
}
