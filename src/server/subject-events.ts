/**
 * Security events from the token service: TokenService.revokeSubject also emits `subject.revoked`, so resource
 * servers refuse the subject's older tokens locally. The generation bump is the source
 * of truth; if storing the event fails, revalidation's subject-generations evaluator
 * emits it on its next run. revokeSession (logout, a risk decision) emits a CAEP
 * session-revoked for the session id, which tokens minted in it carry as `sid`.
 */
import type { Logger } from 'pino';
import type { TokenService } from '../access-tokens/index.js';
import type { EventEmitter } from '../events/index.js';

/** The token service with an emitting revokeSubject and revokeSession. */
export function withSubjectEvents(tokens: TokenService, events: EventEmitter, log: Logger): TokenService {
  return {
    ...tokens,
    async revokeSubject(sub) {
      const generation = await tokens.revokeSubject(sub);
      await events.emit({ type: 'subject.revoked', sub, generation, initiator: 'admin' })
        .catch((err: unknown) => log.warn({ err: String(err) }, 'subject.revoked event not stored'));
      return generation;
    },
    async revokeSession(sid, by = 'system') {
      await tokens.revokeSession(sid);
      await events.emit({ type: 'session.revoked', sid, initiator: by })
        .catch((err: unknown) => log.warn({ err: String(err) }, 'session.revoked event not stored'));
    },
  };
}
