/**
 * Receiving pushed SETs (RFC 8935) at one path: verify, deduplicate by `jti`, apply to
 * the revocation view, answer 202. A refused SET gets 400 with the RFC 8935 §2.3 error
 * body, so the issuer stops retrying it. A SET seen before is answered 202 (the issuer
 * may resend one whose 202 was lost: at-least-once delivery) but never applied twice,
 * so a replay cannot undo a later event. The receiver is Koa middleware itself; its
 * `handle` serves the same for Express and plain `node:http` servers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { KoaContext, KoaNext } from '../middleware/koa-context.js';
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
  /** epoch milliseconds; defaults to the system clock */
  now?: () => number;
}

export interface ReceiverStats { accepted: number; duplicates: number; rejected: Record<string, number> }

/** The answer to one request at the receiver's path. */
interface Answer { status: number; headers: Record<string, string>; body?: { err: string; description: string } }

/** Koa middleware (use it with `app.use`) that also serves Express and node:http through `handle`. */
export interface SetReceiver {
  (ctx: KoaContext, next: KoaNext): Promise<void>;
  /** the revocation view the received SETs update; pass it to `createVerifier({ revocationView })` */
  view: ReceiverRevocationView;
  stats: ReceiverStats;
  /** Express / node:http: answers a request at the receiver's path, passes any other to `next` (404 without one). */
  handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
}

/** Creates the receiver; its `view` goes to verifyAccessToken's `revocationView`. */
export function createSetReceiver(opts: SetReceiverOptions): SetReceiver {
  const now = opts.now ?? Date.now;
  const maxAgeSec = opts.maxAgeSec ?? 300;
  const toleranceSec = opts.clockToleranceSec ?? 30;
  const keys = opts.keys ?? createRemoteJWKSet(new URL(opts.jwksUri ?? `${opts.issuer.replace(/\/$/, '')}/jwks`), { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5000 }); // a JWKS fetch has a deadline
  const view = opts.view ?? createRevocationView({ issuer: opts.issuer, now });
  const seen = createSeen((maxAgeSec + toleranceSec * 2) * 1000, now);
  const stats: ReceiverStats = { accepted: 0, duplicates: 0, rejected: {} };
  const verify = { issuer: opts.issuer, audience: opts.audience, keys, maxAgeSec, clockToleranceSec: toleranceSec, now };
  const path = opts.path ?? '/events';

  async function receive(req: IncomingMessage): Promise<Answer> {
    if (req.method !== 'POST') return { status: 405, headers: { Allow: 'POST' } };
    try {
      if (!isSetMediaType(req.headers['content-type'])) throw new SetVerificationError('invalid_request', 'expected application/secevent+jwt');
      const set = await verifySet(await readBody(req, opts.maxBodyBytes ?? 64 * 1024), verify);
      if (seen.add(set.jti)) {
        view.apply(set);
        stats.accepted++;
        opts.onEvent?.(set);
      } else {
        stats.duplicates++;
      }
      return { status: 202, headers: {} };
    } catch (err) {
      const e = err instanceof SetVerificationError ? err : new SetVerificationError('invalid_request', 'unreadable SET');
      stats.rejected[e.code] = (stats.rejected[e.code] ?? 0) + 1;
      return { status: 400, headers: {}, body: { err: e.code, description: e.message } };
    }
  }

  const middleware = async function receiveSet(ctx: KoaContext, next: KoaNext): Promise<void> {
    if (ctx.path !== path) { await next(); return; }
    const answer = await receive(ctx.req);
    ctx.status = answer.status;
    ctx.set(answer.headers);
    if (answer.body) ctx.body = answer.body;
  };
  const handle: SetReceiver['handle'] = (req, res, next) => {
    if (pathOf(req) !== path) { if (next) next(); else res.writeHead(404).end(); return; }
    receive(req).then((answer) => {
      const type: Record<string, string> = answer.body ? { 'content-type': 'application/json' } : {};
      res.writeHead(answer.status, { ...answer.headers, ...type }).end(answer.body ? JSON.stringify(answer.body) : undefined);
    }, (err: unknown) => (next ? next(err) : res.writeHead(500).end()));
  };
  return Object.assign(middleware, { view, stats, handle });
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0];
}

/** RFC 8935 §2: the body is a SET, `application/secevent+jwt` (parameters allowed). */
function isSetMediaType(value: string | undefined): boolean {
  return value?.split(';')[0].trim().toLowerCase() === 'application/secevent+jwt';
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

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new SetVerificationError('invalid_request', 'the SET is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8').trim();
}
