/** The SDK's cheap fingerprint tier: exact digest locally, anything else to the hook. */
import { createFingerprintCheck } from '@portcullis/sdk';
import { activeComponents, hashComponents, parseFingerprint, stableDigest } from '../../../src/fingerprint/index.js';

const key = new Uint8Array(32).fill(3);
const device = { canvas: 'c1', fonts: 'f1', platform: 'Linux x86_64', hardwareConcurrency: 8, timezone: 'Europe/London', userAgent: 'UA 131' };
const active = activeComponents('all', true);
const fpd = stableDigest(hashComponents(key, parseFingerprint(JSON.stringify(device)), active), active);

describe('createFingerprintCheck', () => {
  const calls: string[] = [];
  const check = createFingerprintCheck({ key, onDifferent: (_c, presented) => { calls.push(presented); return false; } });
  beforeEach(() => { calls.length = 0; });

  it('accepts the same device locally, also after volatile changes, without calling the hook', async () => {
    expect(await check({ fpd }, JSON.stringify(device))).toBe(true);
    expect(await check({ fpd }, JSON.stringify({ ...device, timezone: 'Asia/Tokyo', userAgent: 'UA 132' }))).toBe(true);
    expect(calls).toEqual([]);
  });

  it('hands a different digest to the hook, which decides', async () => {
    const other = JSON.stringify({ ...device, canvas: 'c2' });
    expect(await check({ fpd }, other)).toBe(false);
    expect(calls).toEqual([other]);
    const lenient = createFingerprintCheck({ key, onDifferent: () => true });
    expect(await lenient({ fpd }, other)).toBe(true);
  });

  it('refuses malformed input, ignores unbound tokens, applies the missing-fingerprint policy', async () => {
    expect(await check({ fpd }, '{"canvas":[1]}')).toBe(false);
    expect(await check({}, undefined)).toBe(true);
    expect(await check({ fpd }, undefined)).toBe(true);
    expect(await createFingerprintCheck({ key, acceptMissing: false, onDifferent: () => true })({ fpd }, undefined)).toBe(false);
  });

  it('without the key every bound presentation goes to the hook', async () => {
    const keyless = createFingerprintCheck({ onDifferent: (_c, p) => { calls.push(p); return true; } });
    expect(await keyless({ fpd }, JSON.stringify(device))).toBe(true);
    expect(calls).toHaveLength(1);
  });
});
