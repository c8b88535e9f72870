/**
 * The embedded runner keeps BullMQ's contract: a transient failure is retried with
 * backoff until it succeeds, a PermanentJobError is not retried, a job added twice
 * with the same id while known runs once, and schedules fire on their period.
 */
import { jest } from '@jest/globals';
import { pino } from 'pino';
import { backoffMs, createInProcessRunner, PermanentJobError, type Processors } from '../../../src/jobs/index.js';

const noop = async () => undefined;

function processors(push: Processors['event.push'], revalidate: Processors['sessions.revalidate'] = noop): Processors {
  return { 'keys.rotate': noop, 'rows.purge': noop, 'sessions.revalidate': revalidate, 'events.sweep': noop, 'event.push': push, 'risk.notify': noop, 'risk.alert': noop };
}

describe('in-process runner', () => {
  it('retries a transient failure until it succeeds, and stops at a permanent one', async () => {
    const runner = createInProcessRunner({ log: pino({ level: 'silent' }), maxBackoffSec: 1 });
    const calls: Record<string, number> = {};
    runner.start(processors(async ({ jti }) => {
      calls[jti] = (calls[jti] ?? 0) + 1;
      if (jti === 'flaky' && calls[jti] < 3) throw new Error('receiver down');
      if (jti === 'refused') throw new PermanentJobError('400');
    }), []);
    await runner.add('event.push', [{ payload: { jti: 'flaky' }, jobId: 'flaky' }, { payload: { jti: 'refused' }, jobId: 'refused' }, { payload: { jti: 'flaky' }, jobId: 'flaky' }]);
    await runner.idle();
    expect(calls).toEqual({ flaky: 3, refused: 1 });
    await runner.close();
  });

  it('runs schedules on their period', async () => {
    jest.useFakeTimers();
    try {
      const runner = createInProcessRunner({ log: pino({ level: 'silent' }), maxBackoffSec: 1 });
      let runs = 0;
      runner.start(processors(noop, async () => { runs++; }), [{ name: 'sessions.revalidate', everySec: 1 }]);
      await jest.advanceTimersByTimeAsync(999);
      expect(runs).toBe(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(runs).toBe(1);
      await jest.advanceTimersByTimeAsync(1000);
      await runner.close();
      expect(runs).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('backoffMs', () => {
  it('doubles from 250 ms up to the cap, with at most 20% jitter below', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 60, () => 1))).toEqual([250, 500, 1000, 2000]);
    expect(backoffMs(30, 5, () => 1)).toBe(5000);
    expect(backoffMs(1, 60, () => 0)).toBe(200);
  });
});
