import { createFingerprintVelocity } from '../../../src/risk/index.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const obs = (outcome: 'match' | 'drift' | 'mismatch', minutes: number, session?: string) => ({ subject: 'u1', session, outcome, score: 0.5, at: T0 + minutes * 60_000 });

describe('fingerprint velocity', () => {
  it('signals only once changes exceed the limit within the window', async () => {
    const v = createFingerprintVelocity({ changes: 3, windowSec: 3600 });
    expect(await v.observe(obs('match', 0))).toEqual([]);
    for (const m of [1, 2, 3]) expect((await v.observe(obs('drift', m))).map((s) => s.name)).toEqual([]);
    expect((await v.observe(obs('drift', 4))).map((s) => s.name)).toEqual(['fingerprint_velocity']);
  });

  it('forgets changes older than the window', async () => {
    const v = createFingerprintVelocity({ changes: 2, windowSec: 600 });
    await v.observe(obs('drift', 0));
    await v.observe(obs('drift', 1));
    expect(await v.observe(obs('drift', 20))).toEqual([]);
  });

  it('counts per session too, and a mismatch is a new device', async () => {
    const v = createFingerprintVelocity({ changes: 1, windowSec: 3600 });
    expect((await v.observe({ ...obs('mismatch', 0, 's1'), subject: 'a' })).map((s) => s.name)).toEqual(['new_device']);
    expect((await v.observe({ ...obs('drift', 1, 's1'), subject: 'b' })).map((s) => s.name)).toEqual(['fingerprint_velocity']);
  });
});
