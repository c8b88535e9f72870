/**
 * One push attempt (RFC 8935): POST the SET as `application/secevent+jwt` and expect
 * 202 Accepted (§2.2). A 400 is the receiver's final word on that SET (§2.3): no
 * retries. Anything else (down, 5xx, timeout, redirect) is transient until the event's
 * give-up time, then recorded as failed. An endpoint the outbound policy refuses (http,
 * or an address that is not public, unless OUTBOUND_ALLOWED_HOSTS lists its host) is
 * final at once: nothing is sent there. Safe to run twice: a finished row is skipped.
 */
import type { KeyStore } from '../keys/index.js';
import { outboundPost, OutboundRefused, type OutboundPolicy } from '../outbound/index.js';
import type { Database } from '../storage/index.js';
import type { SetPayload } from './build-payload.js';
import { signSet } from './sign-set.js';

export type PushOutcome =
  | { status: 'delivered' | 'skipped' }
  | { status: 'rejected' | 'gave-up' | 'retry'; error: string };

export interface PushDeps { db: Database; keys: Pick<KeyStore, 'signingKey'>; outbound: OutboundPolicy; now?: () => Date }

/** Tries to deliver one stored event to its push receiver. */
export async function deliverPush(deps: PushDeps, jti: string): Promise<PushOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  const row = await load(deps.db, jti);
  if (!row || row.status !== 'pending' || !row.endpointUrl || row.delivery !== 'push') return { status: 'skipped' };
  if (row.giveUpAt <= now) {
    const error = `gave up after ${row.attempts} attempts: ${row.lastError ?? 'no answer'}`;
    await finish(deps.db, jti, 'failed', now, error);
    return { status: 'gave-up', error };
  }
  const set = await signSet(row.payload as unknown as SetPayload, jti, deps.keys.signingKey(), now);
  const answer = await post(deps.outbound, row.endpointUrl, set);
  if (answer.refused) {
    await finish(deps.db, jti, 'failed', now, `refused: ${answer.error}`);
    return { status: 'rejected', error: answer.error };
  }
  if (answer.status === 202) {
    await finish(deps.db, jti, 'delivered', now);
    return { status: 'delivered' };
  }
  if (answer.status === 400) {
    await finish(deps.db, jti, 'failed', now, `rejected: ${answer.error}`);
    return { status: 'rejected', error: answer.error };
  }
  await deps.db.prisma.securityEvent.updateMany({ where: { jti, status: 'pending' }, data: { attempts: { increment: 1 }, lastError: answer.error } });
  return { status: 'retry', error: answer.error };
}

interface Row { status: string; payload: unknown; attempts: number; lastError: string | null; giveUpAt: Date; endpointUrl: string | null; delivery: string }

// One round trip for the event and its receiver: delivery latency is mostly database waits.
const LOAD_SQL = `SELECT e.status, e.payload, e.attempts, e."lastError", e."giveUpAt", r."endpointUrl", r.delivery
  FROM "SecurityEvent" e JOIN "EventReceiver" r ON r.id = e."receiverId" WHERE e.jti = $1`;

async function load(db: Database, jti: string): Promise<Row | undefined> {
  const { rows } = await db.pool.query<Row>(LOAD_SQL, [jti]);
  return rows[0];
}

async function finish(db: Database, jti: string, status: 'delivered' | 'failed', at: Date, error?: string): Promise<void> {
  await db.prisma.securityEvent.updateMany({
    where: { jti, status: 'pending' },
    data: { status, finishedAt: at, attempts: { increment: status === 'delivered' ? 1 : 0 }, ...(error ? { lastError: error.slice(0, 500) } : {}) },
  });
}

// refused: the endpoint is not one the policy lets the issuer reach (final, not retried)
async function post(outbound: OutboundPolicy, url: string, set: string): Promise<{ status: number; error: string; refused?: boolean }> {
  try {
    const res = await outboundPost(outbound, url, set, { 'content-type': 'application/secevent+jwt', accept: 'application/json' });
    const text = res.text.slice(0, 1000);
    return { status: res.status, error: res.status === 400 ? describe400(text) : `HTTP ${res.status}` };
  } catch (err) {
    const refused = err instanceof OutboundRefused || (err as Error)?.cause instanceof OutboundRefused;
    return { status: 0, refused, error: String((err as Error)?.message ?? err).slice(0, 200) };
  }
}

// RFC 8935 §2.3: {"err": "...", "description": "..."}
function describe400(text: string): string {
  try {
    const body = JSON.parse(text) as { err?: unknown; description?: unknown };
    return `${String(body.err ?? 'invalid_request')}${body.description ? `: ${String(body.description)}` : ''}`;
  } catch {
    return 'HTTP 400';
  }
}
