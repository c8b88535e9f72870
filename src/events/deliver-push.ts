/**
 * One push attempt (RFC 8935): POST the SET as `application/secevent+jwt` and expect
 * 202 Accepted (§2.2). A 400 is the receiver's final word on that SET (§2.3): no
 * retries. Anything else (down, 5xx, timeout, redirect) is transient until the event's
 * give-up time, then recorded as failed. Safe to run twice: a finished row is skipped.
 */
import type { KeyStore } from '../keys/index.js';
import type { Database } from '../storage/index.js';
import type { SetPayload } from './build-payload.js';
import { signSet } from './sign-set.js';

export type PushOutcome =
  | { status: 'delivered' | 'skipped' }
  | { status: 'rejected' | 'gave-up' | 'retry'; error: string };

export interface PushDeps { db: Database; keys: Pick<KeyStore, 'signingKey'>; now?: () => Date; timeoutMs?: number }

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
  const answer = await post(row.endpointUrl, set, deps.timeoutMs ?? 5000);
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

async function post(url: string, set: string, timeoutMs: number): Promise<{ status: number; error: string }> {
  try {
    const res = await fetch(url, {
      method: 'POST', body: set, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/secevent+jwt', accept: 'application/json' },
    });
    const text = (await res.text()).slice(0, 1000);
    return { status: res.status, error: res.status === 400 ? describe400(text) : `HTTP ${res.status}` };
  } catch (err) {
    return { status: 0, error: String((err as Error)?.cause ?? (err as Error)?.message ?? err).slice(0, 200) };
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
