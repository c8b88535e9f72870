/**
 * `event.push`: one RFC 8935 delivery attempt. Delivered or already finished: done.
 * A 400 or a passed give-up time: PermanentJobError (no more attempts; the row records
 * why). Receiver down: a plain error, so the runner retries with backoff.
 */
import { deliverPush, type PushDeps } from '../../events/index.js';
import { PermanentJobError } from '../errors.js';
import type { Processor } from '../processor.js';

/** Creates the processor. */
export function pushEventProcessor(deps: PushDeps): Processor<'event.push'> {
  return async ({ jti }, { log }) => {
    const outcome = await deliverPush(deps, jti);
    switch (outcome.status) {
      case 'delivered':
        log.debug({ jti }, 'event.delivered');
        return;
      case 'skipped':
        return;
      case 'retry':
        throw new Error(`receiver not reached: ${outcome.error}`);
      default:
        log.warn({ jti, outcome: outcome.status, error: outcome.error }, 'event.failed');
        throw new PermanentJobError(`${outcome.status}: ${outcome.error}`);
    }
  };
}
