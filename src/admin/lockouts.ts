/**
 * Lifting what refuses a client: its risk lockout (RiskLockout, recorded as an override
 * in the security event log, as `client unlock` does) and its throttle lockouts and spent
 * failure budgets at every place (THROTTLE_LOCKOUT_*, THROTTLE_*_FAILURES), which answer
 * 429 at /token. The throttle is reachable only inside the issuer (the admin API).
 */
import { unlockClient } from '../risk/index.js';
import type { Actor } from './actor.js';
import { recordChange } from './audit.js';
import type { AdminDeps } from './deps.js';
import { invalidInput, notFound } from './errors.js';
import { CLIENT_ID } from './schemas.js';

export interface LiftedLockouts { risk: boolean; throttle: number }

/** Ends every lockout of the client; 404 when none was running. */
export async function liftClientLockouts(deps: AdminDeps, actor: Actor, clientId: string): Promise<LiftedLockouts> {
  if (!CLIENT_ID.test(clientId)) throw invalidInput('client id must be 1-128 characters of A-Z a-z 0-9 . _ ~ -');
  const risk = await unlockClient(deps.db, clientId, 'admin'); // the override as `user unlock` records it; who: the audit trail
  const throttle = (await deps.throttle?.lift({ client: clientId })) ?? 0;
  if (!risk && !throttle) throw notFound(`client ${clientId} is not locked out`);
  const fields = [...(risk ? ['risk'] : []), ...(throttle ? ['throttle'] : [])];
  await recordChange(deps.db.prisma, deps.addressPepper, actor, { operation: 'lockout.lift', target: clientId, fields });
  return { risk, throttle };
}
