const BASE_MS = 250;

/**
 * Wait before retry number `attemptsMade` (1 after the first failure): doubling from
 * 250 ms, capped at `maxSec`, with up to 20% jitter so receivers coming back are not hit
 * by every retry at the same instant.
 */
export function backoffMs(attemptsMade: number, maxSec: number, random: () => number = Math.random): number {
  const exp = Math.min(BASE_MS * 2 ** Math.max(0, Math.min(attemptsMade - 1, 30)), maxSec * 1000);
  return Math.round(exp * (0.8 + 0.2 * random()));
}
