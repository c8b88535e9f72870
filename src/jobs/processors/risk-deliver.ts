/**
 * `risk.notify` and `risk.alert`: one delivery attempt of a user notification
 * (webhook, email) or a security-team alert (SET). A receiver or mail server that is
 * down is retried with backoff; a refusal stops the retries (PermanentJobError).
 */
import { deliverAlert, deliverNotification, type DeliveryDeps, type DeliveryResult } from '../../risk/index.js';
import { PermanentJobError } from '../errors.js';
import type { Processor } from '../processor.js';

function settle(result: DeliveryResult, what: string): void {
  if (result.ok) return;
  if (result.permanent) throw new PermanentJobError(`${what} refused: ${result.error}`);
  throw new Error(`${what} not delivered: ${result.error}`);
}

/** Creates the notification processor. */
export function riskNotifyProcessor(deps: DeliveryDeps): Processor<'risk.notify'> {
  return async (n, { log }) => {
    settle(await deliverNotification(deps, n), 'notification');
    log.info({ id: n.id, type: n.type }, 'risk.notification.delivered');
  };
}

/** Creates the alert processor. */
export function riskAlertProcessor(deps: DeliveryDeps): Processor<'risk.alert'> {
  return async (a, { log }) => {
    settle(await deliverAlert(deps, a), 'alert');
    log.info({ id: a.id, decision: a.decision }, 'risk.alert.delivered');
  };
}
