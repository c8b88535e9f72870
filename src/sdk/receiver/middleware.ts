/**
 * Koa middleware receiving pushed SETs (RFC 8935) at one path: verify, deduplicate by
 * `jti`, apply to the revocation view, answer 202. A refused SET gets 400 with the
 * RFC 8935 §2.3 error body, so the issuer stops retrying it. A SET seen before is
 * answered 202 (the issuer may resend one whose 202 was lost: at-least-once delivery)
 * but never applied twice, so a replay cannot undo a later event.
 */
import type { Context, Middleware, Next } from 'koa';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { createRevocationView, type ReceiverRevocationView } from './view.js';
import { SetVerificationError, verifySet, type VerifiedSet } from './verify-set.js';

export interface SetReceiverOptions {
  /** the issuer identifier SETs must carry in `iss` */
  issuer: string;
  /** this resource server's audience, as registered with `receiver add` */
  audience: string;
  /** the issuer's JWKS URL (default `${issuer}/jwks`); keys are cached and refetched at most every 30 s on an unknown kid */
  jwksUri?: string;
  /** keys to verify with instead of fetching (tests, pinned keys) */
  keys?: JWTVerifyGetKey;
  /** path to serve (default /events) */
  path?: string;
  /** oldest SET accepted, by `iat` (default 300 s); also how long jtis are remembered */
  maxAgeSec?: number;
  clockToleranceSec?: number;
  /** view to update (default: a new one, see `receiver.view`) */
  view?: ReceiverRevocationView;
  /** called once per new SET, after the view was updated */
  onEvent?(set: VerifiedSet): void;
  maxBodyBytes?: number;
  now?: () => number;
}

export interface ReceiverStats { accepted: number; duplicates: number; rejected: Record<string, number> }

export type SetReceiver = Middleware & { view: ReceiverRevocationView; stats: ReceiverStats };

/** Creates the receiving middleware; its `view` goes to verifyAccessToken's `revocationView`. */
export function createSetReceiver(opts: SetReceiverOptions): SetReceiver {
  const now = opts.now ?? Date.now;
  const maxAgeSec = opts.maxAgeSec ?? 300;
  const toleranceSec = opts.clockToleranceSec ?? 30;
  const keys = opts.keys ?? createRemoteJWKSet(new URL(opts.jwksUri ?? `${opts.issuer.replace(/\/$/, '')}/jwks`), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  const view = opts.view ?? createRevocationView({ issuer: opts.issuer, now });
  const seen = createSeen((maxAgeSec + toleranceSec * 2) * 1000, now);
  const stats: ReceiverStats = { accepted: 0, duplicates: 0, rejected: {} };
  const verify = { issuer: opts.issuer, audience: opts.audience, keys, maxAgeSec, clockToleranceSec: toleranceSec, now };

  const receive = async function receiveSet(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== (opts.path ?? '/events')) return next();
    if (ctx.method !== 'POST') { ctx.status = 405; ctx.set('Allow', 'POST'); return; }
    try {
      if (!ctx.is('application/secevent+jwt')) throw new SetVerificationError('invalid_request', 'expected application/secevent+jwt');
      const set = await verifySet(await readBody(ctx, opts.maxBodyBytes ?? 64 * 1024), verify);
      if (seen.add(set.jti)) {
        view.apply(set);
        stats.accepted++;
        opts.onEvent?.(set);
      } else {
        stats.duplicates++;
      }
      ctx.status = 202;
    } catch (err) {
      const e = err instanceof SetVerificationError ? err : new SetVerificationError('invalid_request', 'unreadable SET');
      stats.rejected[e.code] = (stats.rejected[e.code] ?? 0) + 1;
      ctx.status = 400;
      ctx.body = { err: e.code, description: e.message };
    }
  };
  return Object.assign(receive, { view, stats });
}

/** Remembers jtis for windowMs; add() is false for one already seen. */
function createSeen(windowMs: number, now: () => number) {
  const until = new Map<string, number>();
  let adds = 0;
  return {
    add(jti: string): boolean {
      const t = now();
      if ((until.get(jti) ?? 0) > t) return false;
      if (++adds % 1000 === 0) for (const [k, u] of until) if (u <= t) until.delete(k);
      until.set(jti, t + windowMs);
      return true;
    },
  };
}

async function readBody(ctx: Context, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new SetVerificationError('invalid_request', 'the SET is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8').trim();
}
