/**
 * Issue 8 hook: TokenService.revokeSubject also emits `subject.revoked`, so resource
 * servers refuse the subject's older tokens locally. The generation bump is the source
 * of truth; if storing the event fails, revalidation's subject-generations evaluator
 * emits it on its next run.
 */
import type { Logger } from 'pino';
import type { TokenService } from '../access-tokens/index.js';
import type { EventEmitter } from '../events/index.js';

/** The token service with an emitting revokeSubject. */
export function withSubjectEvents(tokens: TokenService, events: EventEmitter, log: Logger): TokenService {
  return {
    ...tokens,
    async revokeSubject(sub) {
      const generation = await tokens.revokeSubject(sub);
      await events.emit({ type: 'subject.revoked', sub, generation, initiator: 'admin' })
        .catch((err: unknown) => log.warn({ err: String(err) }, 'subject.revoked event not stored'));
      return generation;
    },
  };
}
