/**
 * The resource server's in-memory view of revocations received as SETs. It implements
 * RevocationView, which verifyAccessToken consults after a token opens:
 *  - CAEP session-revoked for a `jwt_id` subject revokes one token;
 *  - session-revoked for a `complex` subject with a `session` revokes that session;
 *  - any event carrying `portcullis_generation` for a user subject (`iss_sub`, or
 *    `opaque` = the pseudonymous handle `sh` of the token's inner header) revokes the
 *    subject's tokens sealed under an older key generation;
 *  - RISC account-disabled refuses all of the subject's tokens until account-enabled.
 * Entries for tokens and sessions are dropped after entryTtlSec (the longest token
 * lifetime): by then the tokens they name have expired anyway.
 */
import type { RevocationView, RevokableToken } from '../verify/revocation-view.js';
import type { VerifiedSet } from './verify-set.js';

const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
const GENERATION = 'portcullis_generation';

export interface ReceiverRevocationView extends RevocationView {
  /** Applies a verified SET; returns true when the view changed. */
  apply(set: VerifiedSet): boolean;
  /** Entries held (tokens, sessions, subjects). */
  size(): number;
}

export interface ViewOptions { issuer: string; entryTtlSec?: number; now?: () => number }

/** Creates an empty view. */
export function createRevocationView(opts: ViewOptions): ReceiverRevocationView {
  const now = opts.now ?? Date.now;
  const ttlMs = (opts.entryTtlSec ?? 86_400) * 1000;
  const tokens = new Map<string, number>();
  const sessions = new Map<string, number>();
  const generations = new Map<string, number>();
  const disabled = new Set<string>();
  let applied = 0;

  function prune(): void {
    const t = now();
    for (const m of [tokens, sessions]) for (const [k, until] of m) if (until <= t) m.delete(k);
  }

  function subjectKey(subject: unknown): string | undefined {
    const s = subject as Record<string, unknown> | undefined;
    if (s?.format === 'iss_sub' && s.iss === opts.issuer && typeof s.sub === 'string') return `sub:${s.sub}`;
    if (s?.format === 'opaque' && typeof s.id === 'string') return `sh:${s.id}`;
    return undefined;
  }

  function applyEvent(type: string, body: Record<string, unknown>, subject: Record<string, unknown>): boolean {
    const until = now() + ttlMs;
    if (type === `${CAEP}session-revoked` && subject.format === 'jwt_id' && subject.iss === opts.issuer && typeof subject.jti === 'string') {
      tokens.set(subject.jti, until);
      return true;
    }
    const session = (subject.format === 'complex' ? subject.session : undefined) as Record<string, unknown> | undefined;
    if (type === `${CAEP}session-revoked` && session?.format === 'opaque' && typeof session.id === 'string') {
      sessions.set(session.id, until);
      return true;
    }
    const user = subjectKey(subject.format === 'complex' ? subject.user : subject);
    if (!user) return false;
    if (type === `${RISC}account-disabled`) { disabled.add(user); return true; }
    if (type === `${RISC}account-enabled`) return disabled.delete(user);
    const generation = body[GENERATION];
    if (typeof generation !== 'number' || !Number.isInteger(generation)) return false;
    if ((generations.get(user) ?? -1) >= generation) return false;
    generations.set(user, generation);
    return true;
  }

  return {
    apply(set) {
      if (++applied % 1000 === 0) prune();
      let changed = false;
      for (const [type, body] of Object.entries(set.events)) {
        if (applyEvent(type, body ?? {}, (set.sub_id ?? {}) as Record<string, unknown>)) changed = true;
      }
      return changed;
    },
    isRevoked(token: RevokableToken) {
      if (tokens.has(token.jti)) return true;
      if (token.sid !== undefined && sessions.has(token.sid)) return true;
      const keys = [`sub:${token.sub}`, ...(token.sh ? [`sh:${token.sh}`] : [])];
      if (keys.some((k) => disabled.has(k))) return true;
      if (token.gen === undefined) return false;
      return keys.some((k) => (generations.get(k) ?? -1) > token.gen!);
    },
    size: () => tokens.size + sessions.size + generations.size + disabled.size,
  };
}
