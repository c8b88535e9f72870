/**
 * Signing keys and master secrets: listed without key material, rotated now. A rotated
 * signing key is published first and signs only from the next rotation (clients fetch
 * the JWKS before it is used); master secrets ratchet one version forward, so resource
 * servers holding an earlier opening secret derive the new one.
 */
import { rotateMasters, rotateSigningKey } from '../keys/index.js';
import type { Database } from '../storage/index.js';
import type { Actor } from './actor.js';
import { recordChange } from './audit.js';
import type { AdminDeps } from './deps.js';

export interface SigningKeyView { kid: string; alg: string; state: string; createdAt: string; retireAfter: string | null }
export interface MasterSecretView { audience: string; version: number; createdAt: string }

/** The signing keys (never their private parts) and each audience's master versions (never the secrets). */
export async function listKeys(db: Database): Promise<{ signingKeys: SigningKeyView[]; masterSecrets: MasterSecretView[] }> {
  const signing = await db.prisma.signingKey.findMany({ orderBy: { createdAt: 'asc' }, select: { kid: true, alg: true, state: true, createdAt: true, retireAfter: true } });
  const masters = await db.prisma.masterSecret.findMany({ orderBy: [{ audience: 'asc' }, { version: 'asc' }], select: { audience: true, version: true, createdAt: true } });
  return {
    signingKeys: signing.map((k) => ({ kid: k.kid, alg: k.alg, state: k.state, createdAt: k.createdAt.toISOString(), retireAfter: k.retireAfter?.toISOString() ?? null })),
    masterSecrets: masters.map((m) => ({ audience: m.audience, version: m.version, createdAt: m.createdAt.toISOString() })),
  };
}

/**
 * Rotates the signing key (with `ifDueAfterSec`, only when the current one is that old) and
 * the master secrets that are due (all of them with `masters`); recorded when anything changed.
 */
export async function rotateKeys(deps: AdminDeps, actor: Actor, opts: { masters?: boolean; ifDueAfterSec?: number } = {}): Promise<{ signing: { rotated: boolean; current: string; next: string; retired: string[] }; masters: string[] }> {
  const retentionSec = Math.ceil((await deps.keepRemovalUntil()).getTime() / 1000 - Date.now() / 1000);
  const base = { db: deps.db, kek: deps.kek, alg: deps.keyPolicy.alg, retentionSec };
  const signing = await rotateSigningKey({ ...base, ifDueAfterSec: opts.ifDueAfterSec });
  const masters = await rotateMasters({ ...base, periodSec: deps.keyPolicy.masterPeriodSec, force: Boolean(opts.masters) });
  await deps.keysChanged();
  const fields = [...(signing.rotated ? ['signingKey'] : []), ...(masters.length ? ['masterSecrets'] : [])];
  if (fields.length) await recordChange(deps.db.prisma, deps.addressPepper, actor, { operation: 'keys.rotate', target: 'keys', fields });
  return { signing: { rotated: signing.rotated, current: signing.current, next: signing.next, retired: signing.retired }, masters };
}
