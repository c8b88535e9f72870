/**
 * Fingerprint profiles and their change history in the database (Prisma models
 * FingerprintProfile, FingerprintChange). Only keyed hashes and coarse metadata.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../storage/index.js';
import type { Hashes } from '@portcullis/sdk/fingerprint';

export interface Profile { id: string; userId: string; sessionUid: string | null; components: Hashes; digest: string; coarse: Record<string, string>; expiresAt: Date }
export interface ChangeInput { profileId: string; outcome: 'match' | 'drift' | 'mismatch'; score: number; changed: string[]; clientId?: string }

const toProfile = (r: { id: string; userId: string; sessionUid: string | null; components: unknown; digest: string; coarse: unknown; expiresAt: Date }): Profile => ({
  id: r.id, userId: r.userId, sessionUid: r.sessionUid, components: r.components as Hashes, digest: r.digest, coarse: r.coarse as Record<string, string>, expiresAt: r.expiresAt,
});

/** Creates the store over the database. */
export function createProfileStore(db: Database) {
  const p = db.prisma;
  return {
    async create(input: { userId: string; interactionId: string; components: Hashes; digest: string; coarse: Record<string, string>; expiresAt: Date }): Promise<string> {
      const id = randomUUID();
      await p.fingerprintProfile.create({ data: { id, ...input } });
      return id;
    },
    async bindSession(interactionId: string, sessionUid: string): Promise<void> {
      await p.fingerprintProfile.updateMany({ where: { interactionId, sessionUid: null }, data: { sessionUid, interactionId: null } });
    },
    async forSession(userId: string, sessionUid: string): Promise<Profile | undefined> {
      const row = await p.fingerprintProfile.findFirst({ where: { userId, sessionUid }, orderBy: { createdAt: 'desc' } });
      return row ? toProfile(row) : undefined;
    },
    async find(id: string): Promise<Profile | undefined> {
      const row = await p.fingerprintProfile.findUnique({ where: { id } });
      return row ? toProfile(row) : undefined;
    },
    /** Learns an accepted drift and records it, in one transaction. */
    async learn(id: string, components: Hashes, digest: string, expiresAt: Date, change: ChangeInput): Promise<void> {
      await p.$transaction([
        p.fingerprintProfile.update({ where: { id }, data: { components, digest, expiresAt } }),
        p.fingerprintChange.create({ data: change }),
      ]);
    },
    async touch(id: string, expiresAt: Date): Promise<void> {
      await p.fingerprintProfile.updateMany({ where: { id }, data: { expiresAt } });
    },
    async record(change: ChangeInput): Promise<void> {
      await p.fingerprintChange.create({ data: change });
    },
    /** Deletes expired profiles (their changes go with them) and changes older than the retention. */
    async purge(now: Date, retentionSec: number): Promise<number> {
      const old = new Date(now.getTime() - retentionSec * 1000);
      const changes = await p.fingerprintChange.deleteMany({ where: { createdAt: { lt: old } } });
      const profiles = await p.fingerprintProfile.deleteMany({ where: { expiresAt: { lt: now } } });
      return changes.count + profiles.count;
    },
    async ofUser(userId: string) {
      return p.fingerprintProfile.findMany({ where: { userId }, include: { changes: { orderBy: { id: 'asc' } } }, orderBy: { createdAt: 'asc' } });
    },
    async eraseUser(userId: string): Promise<number> {
      return (await p.fingerprintProfile.deleteMany({ where: { userId } })).count;
    },
  };
}

export type ProfileStore = ReturnType<typeof createProfileStore>;

/** The `rows.purge` task of FINGERPRINT_RETENTION (profiles past expiry, old change records). */
export function fingerprintPurgeTask(db: Database, retentionSec: number): { name: string; purge(now: Date): Promise<number> } {
  const store = createProfileStore(db);
  return { name: 'fingerprints', purge: (now) => store.purge(now, retentionSec) };
}
