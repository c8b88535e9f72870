/**
 * Clocks a test moves by hand, so waits for time to pass (caches, windows, lockouts,
 * whole-second timestamps) are a call rather than a sleep.
 */
export interface TestClock {
  now(): number;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
}

/**
 * A clock that starts at the real time. Standing (the default), it moves only when told;
 * running, it keeps the real time's pace plus every advance, for tests whose issuer must
 * stay close to the clocks it does not own (oidc-provider's, a client library's).
 */
export function testClock(opts: { running?: boolean } = {}): TestClock {
  let offset = 0;
  const start = Date.now();
  return {
    now: () => (opts.running ? Date.now() : start) + offset,
    advance: (ms) => { offset += ms; },
  };
}
