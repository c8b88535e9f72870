/**
 * `emit(event)`: the one entry point for security events. It resolves the subject's
 * pseudonymous handle, stores one event row per interested receiver (idempotently:
 * the same fact emitted twice, say by a hook and by revalidation, is stored once) and
 * queues push delivery. Poll receivers fetch their rows from the poll endpoint.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../storage/index.js';
import { buildPayload, eventKey, wants, type ResolvedEvent } from './build-payload.js';
import { listReceivers } from './receivers.js';
import type { SecurityEventInput } from './types.js';

/**
 * The NOTIFY channel that says "pushed events are waiting": a process that stores
 * events without a job queue of its own (the admin CLI in embedded mode) sends it, and
 * the embedded issuer answers with an `events.sweep` at once instead of on its timer.
 */
export const EVENTS_PENDING_CHANNEL = 'portcullis_events_pending';

export interface EventEmitter {
  /** Stores the event for every receiver that requested it; returns how many rows were new. */
  emit(event: SecurityEventInput): Promise<number>;
}

export interface EventEmitterOptions {
  db: Database;
  issuer: string;
  /** subject -> pseudonymous handle (TokenService.handleOf) */
  handleOf(sub: string): string;
  /** queues push delivery of the given event ids (the job runner) */
  enqueuePush(jtis: string[]): Promise<void>;
  pushGiveUpSec: number;
  now?: () => Date;
}

/** Creates the emitter. */
export function createEventEmitter(opts: EventEmitterOptions): EventEmitter {
  const now = opts.now ?? (() => new Date());
  return {
    async emit(input) {
      const event = resolve(input, opts.handleOf, now());
      const receivers = (await listReceivers(opts.db)).filter((r) => wants(r, event));
      if (!receivers.length) return 0;
      const key = eventKey(event);
      const giveUpAt = new Date(now().getTime() + opts.pushGiveUpSec * 1000);
      const created = await opts.db.prisma.securityEvent.createManyAndReturn({
        data: receivers.map((r) => ({ jti: newJti(), receiverId: r.id, eventKey: key, payload: buildPayload(opts.issuer, r, event) as object, giveUpAt })),
        skipDuplicates: true,
        select: { jti: true, receiverId: true },
      });
      const push = new Set(receivers.filter((r) => r.delivery === 'push').map((r) => r.id));
      const jtis = created.filter((c) => push.has(c.receiverId)).map((c) => c.jti);
      if (jtis.length) await opts.enqueuePush(jtis);
      return created.length;
    },
  };
}

function resolve(input: SecurityEventInput, handleOf: (sub: string) => string, at: Date): ResolvedEvent {
  const sub = 'sub' in input ? input.sub : undefined;
  const handle = ('handle' in input && input.handle) || (sub ? handleOf(sub) : undefined);
  if (input.type === 'subject.revoked' && !handle) throw new TypeError('subject.revoked needs sub or handle');
  return { ...input, handle, occurredAt: input.occurredAt ?? at } as ResolvedEvent;
}

function newJti(): string {
  return randomBytes(16).toString('base64url');
}
