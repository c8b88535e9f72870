/**
 * The security event log (RiskEvent rows): every signal, decision and admin override.
 * People are named only by their pseudonymous subject key (subject-keys.ts); addresses
 * never raw: a keyed hash (to correlate) and the /24 or /48 network (to read), plus the
 * GeoIP country.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Database } from '../storage/index.js';
import { locate as geoipLite, type Locate } from './geo.js';

export type RiskEventKind = 'signal' | 'decision' | 'override';

export interface RiskEventInput {
  kind: RiskEventKind; name: string; at: Date;
  /** the person's subject key (never a name) */
  subjectKey?: string; clientId?: string; ip?: string; score?: number; decision?: string; details?: Record<string, unknown>;
}

export interface RiskEventView {
  id: string; at: Date; kind: string; name: string; subjectKey: string | null; clientId: string | null;
  ipHash: string | null; ipCoarse: string | null; country: string | null; score: number; decision: string | null; details: unknown;
}

/** The network an address belongs to: /24 for IPv4, /48 for IPv6. */
export function coarseIp(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 4) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  if (family !== 6) return undefined;
  const [head] = ip.split('::');
  const groups = head.split(':').filter(Boolean).slice(0, 3);
  while (groups.length < 3) groups.push('0');
  return `${groups.join(':')}::/48`;
}

/** Creates the log; `pepper` keys the address hash. */
export function createEventLog(db: Database, pepper: Uint8Array, locate: Locate = geoipLite) {
  const hash = (ip: string) => createHmac('sha256', pepper).update(ip).digest('base64url').slice(0, 22);
  return {
    async record(e: RiskEventInput): Promise<string> {
      const id = randomUUID();
      const ip = e.ip && isIP(e.ip) ? e.ip : undefined;
      await db.prisma.riskEvent.create({
        data: {
          id, at: e.at, kind: e.kind, name: e.name, subjectKey: e.subjectKey ?? null, clientId: e.clientId ?? null,
          ipHash: ip ? hash(ip) : null, ipCoarse: ip ? coarseIp(ip) ?? null : null, country: ip ? locate(ip)?.country ?? null : null,
          score: e.score ?? 0, decision: e.decision ?? null, details: (e.details ?? {}) as object,
        },
      });
      return id;
    },
    /** Sum of signal scores about a person (by subject key) or a client since `since`. */
    async scoreSince(who: { subjectKey?: string; clientId?: string }, since: Date): Promise<number> {
      const where = who.subjectKey ? { subjectKey: who.subjectKey } : { clientId: who.clientId, subjectKey: null };
      const r = await db.prisma.riskEvent.aggregate({ _sum: { score: true }, where: { ...where, kind: 'signal', at: { gte: since } } });
      return r._sum.score ?? 0;
    },
  };
}
export type EventLog = ReturnType<typeof createEventLog>;

/** `subjectKeys`: events about any of these keys (a person's name key and user key). */
export interface EventQuery { subjectKeys?: string[]; since?: Date; kind?: RiskEventKind; name?: string; limit?: number }

const VIEW = { id: true, at: true, kind: true, name: true, subjectKey: true, clientId: true, ipHash: true, ipCoarse: true, country: true, score: true, decision: true, details: true } as const;

/** Events, newest first (admin `events list`). */
export async function listRiskEvents(db: Database, q: EventQuery): Promise<RiskEventView[]> {
  return db.prisma.riskEvent.findMany({
    where: { ...(q.subjectKeys ? { subjectKey: { in: q.subjectKeys } } : {}), ...(q.kind ? { kind: q.kind } : {}), ...(q.name ? { name: q.name } : {}), ...(q.since ? { at: { gte: q.since } } : {}) },
    orderBy: { at: 'desc' }, take: Math.min(q.limit ?? 100, 10_000), select: VIEW,
  });
}

/** Counts per kind and name since `since`, and the override rate (admin `events stats`). */
export async function riskEventStats(db: Database, since: Date): Promise<{ counts: Record<string, number>; lockouts: number; overrides: number; overrideRate: number }> {
  const rows = await db.prisma.riskEvent.groupBy({ by: ['kind', 'name'], _count: { _all: true }, where: { at: { gte: since } } });
  const counts: Record<string, number> = {};
  for (const r of rows) counts[`${r.kind}.${r.name}`] = r._count._all;
  const lockouts = counts['decision.lockout'] ?? 0;
  const overrides = counts['override.unlock'] ?? 0;
  return { counts, lockouts, overrides, overrideRate: lockouts ? overrides / lockouts : 0 };
}

/** Deletes log rows older than `before` (RISK_EVENT_RETENTION; the purge job). */
export async function purgeRiskEvents(db: Database, before: Date): Promise<number> {
  return (await db.prisma.riskEvent.deleteMany({ where: { at: { lt: before } } })).count;
}

/**
 * Deletes step-up requirements expired at `now`, and lockouts over for longer than
 * `lockoutMaxSec` (RISK_LOCKOUT_MAX): by then the next lockout starts again at the
 * first level (lockouts.ts), so the row holds nothing the engine still uses.
 */
export async function purgeRiskState(db: Database, now: Date, lockoutMaxSec: number): Promise<number> {
  const steps = await db.prisma.riskStepUp.deleteMany({ where: { expiresAt: { lt: now } } });
  const locks = await db.prisma.riskLockout.deleteMany({ where: { until: { lt: new Date(now.getTime() - lockoutMaxSec * 1000) } } });
  return steps.count + locks.count;
}
