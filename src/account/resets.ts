/**
 * Password reset links: 256 random bits, of which only the SHA-256 is stored (a
 * database reader cannot use a pending link), valid for PASSWORD_RESET_TTL and used once
 * (the row is deleted by the request that uses it; of two racing, one wins). A new link
 * does not cancel older ones still pending: each is single-use and short-lived anyway.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../storage/index.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface PasswordResets {
  /** A new link secret for the user. */
  issue(userId: string): Promise<string>;
  /** The user a pending, unexpired link belongs to (the link stays usable). */
  peek(token: string): Promise<string | undefined>;
  /** Uses the link: answers its user once, then never again. */
  consume(token: string): Promise<string | undefined>;
  /** Forgets every pending link of the user (after a reset or a password change). */
  forget(userId: string): Promise<void>;
  /** Deletes expired links (the purge job). */
  purge(now: Date): Promise<number>;
}

export function createPasswordResets(deps: { db: Database; ttlSec: number; now?: () => number }): PasswordResets {
  const { prisma } = deps.db;
  const now = deps.now ?? Date.now;
  const live = async (token: unknown) => {
    if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
    const row = await prisma.passwordReset.findUnique({ where: { hash: digest(token) } });
    return row && row.expiresAt.getTime() > now() ? row : undefined;
  };
  return {
    async issue(userId) {
      const token = randomBytes(32).toString('base64url');
      await prisma.passwordReset.create({ data: { hash: digest(token), userId, expiresAt: new Date(now() + deps.ttlSec * 1000) } });
      return token;
    },
    peek: async (token) => (await live(token))?.userId,
    async consume(token) {
      const row = await live(token);
      if (!row) return undefined;
      const { count } = await prisma.passwordReset.deleteMany({ where: { hash: row.hash } });
      return count === 1 ? row.userId : undefined;
    },
    async forget(userId) {
      await prisma.passwordReset.deleteMany({ where: { userId } });
    },
    purge: async (at) => (await prisma.passwordReset.deleteMany({ where: { expiresAt: { lt: at } } })).count,
  };
}
