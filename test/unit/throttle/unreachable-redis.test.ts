/**
 * A throttle whose Redis is unreachable from the start: it starts anyway (degraded),
 * enforces the limit locally, and reports it (event and one warn line), instead of
 * failing open or failing the start-up.
 */
import { freePort } from '../../support/issuer.js';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config/index.js';
import { createThrottle } from '../../../src/throttle/index.js';

it('starts degraded, limits per process, and says so', async () => {
  const lines: Array<{ msg: string; level: number }> = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _e, done) { lines.push(JSON.parse(chunk.toString())); done(); } }));
  const seen: string[] = [];
  const events = { limited: () => seen.push('limited'), lockout: () => undefined, degraded: (on: boolean) => seen.push(`degraded ${on}`), fallback: () => seen.push('fallback') };
  const throttle = await createThrottle({ config: loadConfig({ THROTTLE_TOKEN: 'client=2/1m' }).throttle, redisUrl: `redis://127.0.0.1:${await freePort()}`, namespace: 'unreachable', log, events });
  try {
    const verdicts = [];
    for (let i = 0; i < 3; i++) verdicts.push((await throttle.check('token', { client: 'c' })).allowed);
    expect(verdicts).toEqual([true, true, false]);
    expect(throttle.degraded()).toBe(true);
    expect(seen.filter((e) => e === 'degraded true')).toHaveLength(1);
    expect(seen).toContain('fallback');
    expect(lines.filter((l) => l.msg.startsWith('throttle.degraded'))).toEqual([expect.objectContaining({ level: 40 })]);
  } finally {
    await throttle.close();
  }
});
