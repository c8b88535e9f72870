/**
 * Shared fixtures for the token tests: fixed inputs, an injected clock, issuer
 * keys, and hand-crafting helpers that build tokens byte by byte (node:crypto),
 * so tests can produce headers jose itself would refuse to sign.
 */
import { constants, createCipheriv, createPrivateKey, randomBytes, sign as nodeSign } from 'node:crypto';
import type { JWK } from 'jose';
import {
  createDerivedKeyCache, deriveContentKey, generateSigningKey, importSigningKey, subjectHandle, utcDay,
} from '../../../src/keys/index.js';
import type { ContentKeyContext, JoseKey, SigningAlgorithm } from '../../../src/keys/index.js';
import { OUTER_TYP, TokenError, sealToken } from '../../../src/tokens/index.js';
import type { AccessTokenClaims, OpenOptions, TokenErrorCode } from '../../../src/tokens/index.js';

export const ISSUER = 'https://issuer.example';
export const AUD = 'https://api.example';
export const NOW = 1_760_000_000; // 2025-10-09T08:53:20Z
export const MSV = 3;
export const MASTER = new Uint8Array(32).fill(7);
export const PEPPER = new Uint8Array(32).fill(9);
export const SUB = 'alice@example.com';
export const HANDLE = subjectHandle(PEPPER, SUB);

export interface TestIssuer {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  privateJwk: JWK;
  privateKey: JoseKey;
  publicKey: JoseKey;
}

export async function makeIssuer(alg: SigningAlgorithm): Promise<TestIssuer> {
  const g = await generateSigningKey(alg);
  const privateKey = await importSigningKey(g.privateJwk, alg);
  return { ...g, privateKey, publicKey: await importSigningKey(g.publicJwk, alg) };
}

export function claims(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  return {
    iss: ISSUER, sub: SUB, aud: AUD, iat: NOW, exp: NOW + 300, jti: 'jti-1',
    client_id: 'client-1', scope: 'read write', ...overrides,
  };
}

export function seal(issuer: TestIssuer, overrides: Partial<AccessTokenClaims> = {}, generation = 0): Promise<string> {
  return sealToken(claims(overrides), {
    signingKey: { kid: issuer.kid, alg: issuer.alg, key: issuer.privateKey },
    master: { version: MSV, secret: MASTER },
    handle: HANDLE,
    generation,
    keyCache: createDerivedKeyCache(),
  });
}

/** Open options over a keystore of `issuers`, counting callback calls. */
export function harness(issuers: TestIssuer[], overrides: Partial<OpenOptions> = {}) {
  const calls = { verificationKey: 0, master: 0 };
  const opts: OpenOptions = {
    issuer: ISSUER,
    verificationKey(kid, alg) {
      calls.verificationKey += 1;
      return issuers.find((i) => i.kid === kid && i.alg === alg)?.publicKey;
    },
    master(aud, msv) {
      calls.master += 1;
      return aud === AUD && msv === MSV ? MASTER : undefined;
    },
    algorithms: ['ES256', 'EdDSA', 'PS256'],
    keyCache: createDerivedKeyCache(),
    now: () => NOW,
    ...overrides,
  };
  return { opts, calls };
}

export async function expectCode(promise: Promise<unknown>, code: TokenErrorCode): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TokenError);
  expect(error).toMatchObject({ code, message: 'invalid token' });
}

export const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');
export const b64json = (value: unknown): string => b64(JSON.stringify(value));

export function defaultInner(plain: Record<string, unknown> = claims()): Record<string, unknown> {
  return {
    alg: 'dir', enc: 'A256GCM', typ: 'at+jwt', iss: ISSUER, aud: AUD,
    msv: MSV, day: utcDay(typeof plain.iat === 'number' ? plain.iat : NOW), sh: HANDLE, gen: 0,
  };
}

interface CraftOptions {
  /** inner header members to override; `undefined` removes one */
  inner?: Record<string, unknown>;
  /** plaintext claims object or raw string */
  plaintext?: Record<string, unknown> | string;
  /** derive the content key for this context instead of the header's */
  keyContext?: Partial<ContentKeyContext>;
}

function clean(header: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(header).filter(([, v]) => v !== undefined));
}

function contentKey(header: Record<string, unknown>, override: Partial<ContentKeyContext> = {}): Uint8Array {
  const ctx = { ...header, ...override } as unknown as ContentKeyContext;
  try {
    return deriveContentKey(MASTER, ctx);
  } catch {
    return randomBytes(32); // header is invalid on purpose; any key will do
  }
}

/** A compact JWE (dir, AES-256-GCM) built by hand, with any header. */
export function craftJwe({ inner = {}, plaintext = claims(), keyContext }: CraftOptions = {}): string {
  const plainObj = typeof plaintext === 'string' ? claims() : plaintext;
  const header = clean({ ...defaultInner(plainObj), ...inner });
  const protectedB64 = b64json(header);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', contentKey(header, keyContext), iv);
  cipher.setAAD(Buffer.from(protectedB64, 'ascii'));
  const text = typeof plaintext === 'string' ? plaintext : JSON.stringify(plaintext);
  const ct = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return [protectedB64, '', b64(iv), b64(ct), b64(cipher.getAuthTag())].join('.');
}

function rawSignature(issuer: TestIssuer, input: Buffer): Buffer {
  const key = createPrivateKey({ key: issuer.privateJwk as never, format: 'jwk' });
  if (issuer.alg === 'EdDSA') return nodeSign(null, input, key);
  if (issuer.alg === 'ES256') return nodeSign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });
  return nodeSign('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
}

/** A compact JWS over `payload` with any outer header, signed by `issuer`. */
export function signRaw(issuer: TestIssuer, header: Record<string, unknown>, payload: string): string {
  const input = `${b64json(clean(header))}.${b64(payload)}`;
  return `${input}.${b64(rawSignature(issuer, Buffer.from(input, 'ascii')))}`;
}

/** A full nested token built by hand: outer header overrides + crafted JWE. */
export function craftToken(issuer: TestIssuer, outer: Record<string, unknown> = {}, jwe: CraftOptions = {}): string {
  const header = { alg: issuer.alg, kid: issuer.kid, typ: OUTER_TYP, cty: 'JWT', ...outer };
  return signRaw(issuer, header, craftJwe(jwe));
}
