/**
 * The browsers signed in to an account, for the person's devices list: browser family
 * (from the user agent, without version), the country of the address the session was
 * last used from (never the address), and when. Written at each successful
 * authorization of a session; deleted with the session.
 */
import type { Database } from '../storage/index.js';
import type { Locate } from '../risk/index.js';

export interface SessionDeviceView { uid: string; browser: string; country?: string; lastUsedAt: Date }

const FAMILIES: [string, RegExp][] = [['Edge', /Edg\//], ['Firefox', /Firefox\//], ['Chrome', /(?:Chrome|Chromium)\//], ['Safari', /Safari\//]];

/** "Chrome", "Firefox", … or "Another browser" (the family only: a version narrows who it is). */
export function browserFamily(userAgent: string | undefined): string {
  return FAMILIES.find(([, re]) => re.test(userAgent ?? ''))?.[0] ?? 'Another browser';
}

export interface SessionDevices {
  record(s: { uid: string; userId: string; userAgent?: string; ip?: string }): Promise<void>;
  list(userId: string): Promise<SessionDeviceView[]>;
  forget(uids: string[]): Promise<void>;
}

export function createSessionDevices(deps: { db: Database; locate: Locate; ttlSec: number; now?: () => number }): SessionDevices {
  const { prisma } = deps.db;
  const now = deps.now ?? Date.now;
  return {
    async record(s) {
      const at = new Date(now());
      const data = { userId: s.userId, browser: browserFamily(s.userAgent), country: deps.locate(s.ip)?.country ?? null, lastUsedAt: at, expiresAt: new Date(at.getTime() + deps.ttlSec * 1000) };
      await prisma.sessionDevice.upsert({ where: { sessionUid: s.uid }, create: { sessionUid: s.uid, ...data }, update: data });
    },
    async list(userId) {
      const rows = await prisma.sessionDevice.findMany({ where: { userId }, orderBy: { lastUsedAt: 'desc' } });
      return rows.map((r) => ({ uid: r.sessionUid, browser: r.browser, country: r.country ?? undefined, lastUsedAt: r.lastUsedAt }));
    },
    async forget(uids) {
      await prisma.sessionDevice.deleteMany({ where: { sessionUid: { in: uids } } });
    },
  };
}
