import { hkdfSync } from 'node:crypto';

/**
 * Key derivation for the nested token format (docs/token-format.md): the one-way
 * master-secret ratchet and per-(audience, day, subject) content keys. The issuer
 * seals and a resource server opens with these same functions.
 * All functions are pure; misuse throws TypeError.
 */

const RATCHET_INFO = Buffer.from('portcullis/master-ratchet/v1', 'utf8');
const CEK_SALT = Buffer.from('portcullis/cek/v1', 'utf8');
const KEY_LENGTH = 32;
const MAX_RATCHET_STEPS = 100_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HANDLE = /^[A-Za-z0-9_-]{22}$/;

/** Everything a content-encryption key is bound to (mirrors the inner JWE header). */
export interface ContentKeyContext {
  /** the single audience (resource server) of the token */
  aud: string;
  /** master secret version */
  msv: number;
  /** UTC day of `iat`, `YYYY-MM-DD` */
  day: string;
  /** pseudonymous subject handle (the inner header's `sh`) */
  sh: string;
  /** subject generation (bumped to revoke all of a subject's tokens) */
  gen: number;
}

function isVersion(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

function assertSecret(secret: Uint8Array, name: string, min = KEY_LENGTH): void {
  if (!(secret instanceof Uint8Array) || secret.byteLength < min) {
    throw new TypeError(`${name} must be a Uint8Array of at least ${min} bytes`);
  }
}

/**
 * One forward step of the master ratchet: HKDF-SHA256(ikm = secret, salt = empty,
 * info = "portcullis/master-ratchet/v1", L = 32). Holding version v lets a resource
 * server compute every later version; HKDF's one-wayness keeps earlier ones secret.
 *
 * @throws TypeError when `secret` is not 32 bytes or more.
 */
export function ratchetMaster(secret: Uint8Array): Uint8Array {
  assertSecret(secret, 'master secret');
  return new Uint8Array(hkdfSync('sha256', secret, Buffer.alloc(0), RATCHET_INFO, KEY_LENGTH));
}

/**
 * Ratchets `base` forward to version `target`.
 *
 * @throws TypeError when `target` is below `base.version`, more than 100000 steps
 *   ahead, or either version is not a non-negative safe integer.
 */
export function masterAtVersion(base: { version: number; secret: Uint8Array }, target: number): Uint8Array {
  if (!isVersion(base?.version) || !isVersion(target)) throw new TypeError('versions must be non-negative integers');
  const steps = target - base.version;
  if (steps < 0) throw new TypeError('cannot ratchet a master secret backwards');
  if (steps > MAX_RATCHET_STEPS) throw new TypeError('master version too far ahead');
  assertSecret(base.secret, 'master secret');
  let secret: Uint8Array = new Uint8Array(base.secret);
  for (let i = 0; i < steps; i += 1) secret = ratchetMaster(secret);
  return secret;
}

/**
 * The UTC calendar day of an epoch-seconds instant, as `YYYY-MM-DD`.
 *
 * @throws TypeError for a non-finite number or a year outside 0000–9999.
 */
export function utcDay(epochSeconds: number): string {
  if (typeof epochSeconds !== 'number' || !Number.isFinite(epochSeconds)) {
    throw new TypeError('epochSeconds must be a finite number');
  }
  const second = Math.floor(epochSeconds);
  if (second === lastDay.second) return lastDay.day; // every token sealed in the same second
  const date = new Date(second * 1000);
  const day = Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
  if (!DAY.test(day)) throw new TypeError('epochSeconds out of range');
  lastDay = { second, day };
  return day;
}
let lastDay = { second: Number.NaN, day: '' };

/**
 * Checks a {@link ContentKeyContext}; afterwards no field but `aud` can contain `|`.
 *
 * @throws TypeError naming the bad field.
 */
export function assertContentKeyContext(ctx: ContentKeyContext): void {
  if (typeof ctx?.aud !== 'string' || ctx.aud.length === 0) throw new TypeError('ctx.aud must be a non-empty string');
  if (!isVersion(ctx.msv)) throw new TypeError('ctx.msv must be a non-negative integer');
  if (typeof ctx.day !== 'string' || !DAY.test(ctx.day)) throw new TypeError('ctx.day must be YYYY-MM-DD');
  if (typeof ctx.sh !== 'string' || !HANDLE.test(ctx.sh)) throw new TypeError('ctx.sh must be a subject handle');
  if (!isVersion(ctx.gen)) throw new TypeError('ctx.gen must be a non-negative integer');
}

function lengthPrefixed(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(bytes.length);
  return Buffer.concat([prefix, bytes]);
}

/**
 * Derives the 32-byte A256GCM content key for one (audience, master version,
 * day, subject, generation): HKDF-SHA256(ikm = master, salt = "portcullis/cek/v1",
 * info = each field as UTF-8 with a 4-byte big-endian length prefix, L = 32).
 * Numbers are encoded as decimal strings. The length prefixes make the encoding
 * injective, so no two contexts share a key.
 *
 * @throws TypeError for a short master or an invalid context.
 */
export function deriveContentKey(master: Uint8Array, ctx: ContentKeyContext): Uint8Array {
  assertSecret(master, 'master secret');
  assertContentKeyContext(ctx);
  const fields = [ctx.aud, String(ctx.msv), ctx.day, ctx.sh, String(ctx.gen)];
  const info = Buffer.concat(fields.map(lengthPrefixed));
  return new Uint8Array(hkdfSync('sha256', master, CEK_SALT, info, KEY_LENGTH));
}
