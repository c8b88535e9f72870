/**
 * One-time keys shared by every process (DPoP proof ids presented at /introspect,
 * RFC 9449 §11.1): the first process to record a key wins, atomically, so a proof
 * replayed to another issuer process is caught too. Rows expire with the proof's window
 * and go with the other expired OidcPayload rows (rows.purge).
 */
import { hash } from 'node:crypto';
import type { PrismaClient } from './prisma-client/client.js';

const MODEL = 'PresentedProof';

/** Records `key` until `expiresAt` (epoch seconds); false when it was recorded before. */
export function createReplayStore(prisma: PrismaClient): { firstUse(key: string, expiresAt: number): Promise<boolean> } {
  return {
    async firstUse(key, expiresAt) {
      const id = hash('sha256', key, 'base64url');
      const { count } = await prisma.oidcPayload.createMany({
        data: [{ model: MODEL, id, payload: {}, expiresAt: new Date(expiresAt * 1000) }], skipDuplicates: true,
      });
      return count === 1;
    },
  };
}
