/**
 * What the account pages call to sign a person out: every session but the current one
 * (password change), one session (the devices list), or everything (password reset:
 * also every access token, by the subject's key generation, with a subject-revoked
 * event to receivers, as `user revoke` does).
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { TokenService } from '../access-tokens/index.js';
import type { EventEmitter } from '../events/index.js';
import { longestTokenTtl } from '../registry/index.js';
import type { RevocationService } from '../revocation/index.js';
import type { Database } from '../storage/index.js';
import { endSessions, revokeUser } from '../users/index.js';

export interface EndSessionDeps {
  db: Database; tokens: TokenService; events: EventEmitter; log: Logger; handlePepper: Uint8Array; revocation: RevocationService; config: Config;
}

/** `except`: the session uid to keep; `only`: the one session uid to end; neither: everything. */
export async function endUserSessions(d: EndSessionDeps, userId: string, opts: { except?: string; only?: string }): Promise<void> {
  await endSessions({ db: d.db, revokeSession: (sid) => d.tokens.revokeSession(sid, 'user'), revokeGrant: (g) => d.tokens.revokeGrant(g) }, userId, opts);
  if (opts.except !== undefined || opts.only !== undefined) return;
  const keep = new Date(Date.now() + (await longestTokenTtl(d.db, d.config.accessTokenTtl) + d.config.clockTolerance) * 1000);
  const revoked = await revokeUser({ db: d.db, revocation: d.revocation, handlePepper: d.handlePepper }, userId, keep);
  await d.events.emit({ type: 'subject.revoked', sub: userId, generation: revoked.generation, initiator: 'user' })
    .catch((err: unknown) => d.log.warn({ err: String(err) }, 'subject.revoked event not stored'));
}
