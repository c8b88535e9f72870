import { createHmac } from 'node:crypto';
import {
  deriveContentKey, masterAtVersion, ratchetMaster, subjectHandle, utcDay,
} from '../../../src/keys/index.js';
import type { ContentKeyContext } from '../../../src/keys/index.js';

const PEPPER = new Uint8Array(32).fill(9);
const MASTER = new Uint8Array(32).fill(7);
const CTX: ContentKeyContext = { aud: 'https://api.example', msv: 3, day: '2025-10-09', sh: 'A'.repeat(22), gen: 0 };

const hmac = (key: Uint8Array | string, data: Uint8Array) => createHmac('sha256', key).update(data).digest();

/** RFC 5869 HKDF-SHA256 for one output block, written out independently of node's hkdfSync. */
function hkdf32(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array): Buffer {
  const prk = hmac(salt, ikm);
  return hmac(prk, Buffer.concat([info, Buffer.from([1])]));
}

function field(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([Buffer.from([0, 0, bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('subjectHandle', () => {
  it('is the first 16 bytes of HMAC-SHA256 over the domain-separated subject, base64url', () => {
    const expected = hmac(PEPPER, Buffer.from('portcullis/subject-handle/v1\0alice', 'utf8')).subarray(0, 16);
    expect(subjectHandle(PEPPER, 'alice')).toBe(expected.toString('base64url'));
    expect(subjectHandle(PEPPER, 'alice')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('is stable per pepper and differs across subjects and peppers', () => {
    expect(subjectHandle(PEPPER, 'alice')).toBe(subjectHandle(new Uint8Array(PEPPER), 'alice'));
    expect(subjectHandle(PEPPER, 'alice')).not.toBe(subjectHandle(PEPPER, 'bob'));
    expect(subjectHandle(PEPPER, 'alice')).not.toBe(subjectHandle(new Uint8Array(32).fill(8), 'alice'));
  });

  it('throws TypeError on misuse', () => {
    expect(() => subjectHandle(new Uint8Array(8), 'alice')).toThrow(TypeError);
    expect(() => subjectHandle(PEPPER, '')).toThrow(TypeError);
  });
});

describe('ratchetMaster / masterAtVersion', () => {
  it('is HKDF-SHA256(secret, empty salt, "portcullis/master-ratchet/v1")', () => {
    const expected = hkdf32(MASTER, new Uint8Array(0), Buffer.from('portcullis/master-ratchet/v1'));
    expect(hex(ratchetMaster(MASTER))).toBe(hex(expected));
  });

  it('moves forward consistently: v0 -> v2 equals two ratchet steps', () => {
    const v2 = masterAtVersion({ version: 0, secret: MASTER }, 2);
    expect(hex(v2)).toBe(hex(ratchetMaster(ratchetMaster(MASTER))));
    const v1 = masterAtVersion({ version: 0, secret: MASTER }, 1);
    expect(hex(masterAtVersion({ version: 1, secret: v1 }, 2))).toBe(hex(v2));
    expect(hex(v1)).not.toBe(hex(MASTER));
  });

  it('returns the base itself at the same version', () => {
    expect(hex(masterAtVersion({ version: 5, secret: MASTER }, 5))).toBe(hex(MASTER));
  });

  it('refuses to go backwards or too far ahead', () => {
    expect(() => masterAtVersion({ version: 2, secret: MASTER }, 1)).toThrow(TypeError);
    expect(() => masterAtVersion({ version: 0, secret: MASTER }, 100_001)).toThrow(TypeError);
    expect(() => masterAtVersion({ version: 0, secret: MASTER }, 1.5)).toThrow(TypeError);
  });
});

describe('utcDay', () => {
  it.each([
    [0, '1970-01-01'],
    [86_399, '1970-01-01'],
    [86_400, '1970-01-02'],
    [1_760_000_000, '2025-10-09'],
  ])('%i -> %s', (seconds, day) => {
    expect(utcDay(seconds)).toBe(day);
  });

  it('throws TypeError for non-finite input', () => {
    expect(() => utcDay(Number.NaN)).toThrow(TypeError);
    expect(() => utcDay(1e20)).toThrow(TypeError);
  });
});

describe('deriveContentKey', () => {
  it('is HKDF-SHA256 with salt "portcullis/cek/v1" over length-prefixed fields', () => {
    const info = Buffer.concat([CTX.aud, '3', CTX.day, CTX.sh, '0'].map(field));
    const expected = hkdf32(MASTER, Buffer.from('portcullis/cek/v1'), info);
    expect(hex(deriveContentKey(MASTER, CTX))).toBe(hex(expected));
  });

  it.each<[string, Partial<ContentKeyContext>]>([
    ['audience', { aud: 'https://other.example' }],
    ['master version', { msv: 4 }],
    ['day', { day: '2025-10-10' }],
    ['subject', { sh: 'B'.repeat(22) }],
    ['generation', { gen: 1 }],
  ])('gives a different key for a different %s', (_name, change) => {
    expect(hex(deriveContentKey(MASTER, { ...CTX, ...change }))).not.toBe(hex(deriveContentKey(MASTER, CTX)));
  });

  it('gives a different key under a different master', () => {
    expect(hex(deriveContentKey(ratchetMaster(MASTER), CTX))).not.toBe(hex(deriveContentKey(MASTER, CTX)));
  });

  it.each<[string, Partial<ContentKeyContext>]>([
    ['an empty aud', { aud: '' }],
    ['a negative msv', { msv: -1 }],
    ['a bad day', { day: '2025-10-9' }],
    ['a bad handle', { sh: 'short' }],
    ['a fractional gen', { gen: 0.5 }],
  ])('throws TypeError for %s', (_name, change) => {
    expect(() => deriveContentKey(MASTER, { ...CTX, ...change })).toThrow(TypeError);
  });

  it('throws TypeError for a short master', () => {
    expect(() => deriveContentKey(new Uint8Array(16), CTX)).toThrow(TypeError);
  });
});
