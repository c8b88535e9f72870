import { randomBytes } from 'node:crypto';
import type { Database } from '../storage/index.js';
import { decryptSecret, encryptSecret } from './kek.js';

/**
 * A per-deployment random secret (for example the subject-handle pepper), created by
 * whichever process asks first and shared by all: insert-if-absent, then read back.
 */
export async function deploymentSecret(db: Database, kek: Uint8Array, name: string): Promise<Uint8Array> {
  const aad = `deployment-secret:${name}`;
  const value = encryptSecret(kek, new Uint8Array(randomBytes(32)), aad);
  await db.prisma.deploymentSecret.createMany({ data: [{ name, value }], skipDuplicates: true });
  const row = await db.prisma.deploymentSecret.findUniqueOrThrow({ where: { name } });
  return decryptSecret(kek, row.value, aad);
}
