/**
 * Key lifecycle in the database, shared by every process: first keys, signing key
 * rotation (next -> current -> previous -> gone) and master secret ratcheting. Every
 * change runs in one transaction under an advisory lock, so concurrent rotations from
 * several processes (or the CLI and the scheduler) serialise instead of racing.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../storage/index.js';
import { encryptSecret, decryptSecret } from './kek.js';
import { generateSigningKey } from './signing-key.js';
import { ratchetMaster } from '@portcullis/sdk/token';
import { masterAad } from './store.js';

type Tx = Parameters<Parameters<Database['prisma']['$transaction']>[0]>[0];
type Alg = 'ES256' | 'EdDSA' | 'PS256';

const LOCK_ID = 0x70637573; // "pcus": one lock for all key lifecycle changes

async function locked<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_ID})`);
    return fn(tx);
  }, { timeout: 30_000, maxWait: 30_000 });
}

async function insertKey(tx: Tx, kek: Uint8Array, alg: string, state: string, now: Date) {
  const k = await generateSigningKey(alg as Alg);
  const privateJwk = encryptSecret(kek, Buffer.from(JSON.stringify(k.privateJwk)), `signing-key:${k.kid}`);
  await tx.signingKey.create({
    data: { kid: k.kid, alg: k.alg, state, publicJwk: k.publicJwk as object, privateJwk, activatedAt: state === 'current' ? now : null },
  });
  return k.kid;
}

/** Creates the first current and next signing keys if there are none. Idempotent. */
export async function ensureKeys(opts: { db: Database; kek: Uint8Array; alg: string }): Promise<void> {
  const existing = await opts.db.prisma.signingKey.count({ where: { state: 'current' } });
  if (existing > 0) return;
  await locked(opts.db, async (tx) => {
    if (await tx.signingKey.count({ where: { state: 'current' } }) > 0) return;
    const now = new Date();
    await insertKey(tx, opts.kek, opts.alg, 'current', now);
    await insertKey(tx, opts.kek, opts.alg, 'next', now);
  });
}

export interface RotationOptions {
  db: Database;
  kek: Uint8Array;
  alg: string;
  /** How long a retired key or master stays usable: the longest token lifetime plus leeway. */
  retentionSec: number;
  now?: Date;
}

export interface SigningRotation { rotated: boolean; current: string; next: string; retired: string[] }

/**
 * Promotes the published next key to current, keeps the old current published as
 * previous until every token it signed has expired, publishes a fresh next key and
 * drops previous keys whose retention has passed. With `ifDueAfterSec`, rotates only
 * when the current key is at least that old.
 */
export async function rotateSigningKey(opts: RotationOptions & { ifDueAfterSec?: number }): Promise<SigningRotation> {
  const now = opts.now ?? new Date();
  return locked(opts.db, async (tx) => {
    const retired = (await tx.signingKey.findMany({ where: { state: 'previous', retireAfter: { lte: now } } })).map((k) => k.kid);
    await tx.signingKey.deleteMany({ where: { kid: { in: retired } } });
    const current = await tx.signingKey.findFirst({ where: { state: 'current' } });
    let next = await tx.signingKey.findFirst({ where: { state: 'next' } });
    const due = !opts.ifDueAfterSec || !current?.activatedAt
      || current.activatedAt.getTime() + opts.ifDueAfterSec * 1000 <= now.getTime();
    if (!due && current && next) return { rotated: false, current: current.kid, next: next.kid, retired };
    const nextKid = next?.kid ?? await insertKey(tx, opts.kek, opts.alg, 'next', now);
    if (current) {
      await tx.signingKey.update({ where: { kid: current.kid }, data: { state: 'previous', retireAfter: new Date(now.getTime() + opts.retentionSec * 1000) } });
    }
    await tx.signingKey.update({ where: { kid: nextKid }, data: { state: 'current', activatedAt: now } });
    next = { kid: await insertKey(tx, opts.kek, opts.alg, 'next', now) } as typeof next;
    return { rotated: true, current: nextKid, next: next!.kid, retired };
  });
}

/** Creates (or replaces) an audience's master secret at version 0; returns it once. */
export async function createMaster(opts: { db: Database; kek: Uint8Array; audience: string }): Promise<{ version: number; secret: Uint8Array }> {
  const secret = new Uint8Array(randomBytes(32));
  await locked(opts.db, async (tx) => {
    await tx.masterSecret.deleteMany({ where: { audience: opts.audience } });
    await tx.masterSecret.create({ data: { audience: opts.audience, version: 0, secret: encryptSecret(opts.kek, secret, masterAad(opts.audience, 0)) } });
  });
  return { version: 0, secret };
}

/**
 * Ratchets each audience's master secret one version forward when it is older than
 * `periodSec` (or always, with `force`): version v+1 = ratchet(version v), so a
 * resource server holding any earlier version derives it, while a leaked newer version
 * reveals nothing earlier. Older versions are kept until the tokens sealed under them
 * expire, then destroyed.
 */
export async function rotateMasters(opts: RotationOptions & { periodSec: number; force?: boolean }): Promise<string[]> {
  const now = opts.now ?? new Date();
  return locked(opts.db, async (tx) => {
    await tx.masterSecret.deleteMany({ where: { dropAfter: { lte: now } } });
    const rows = await tx.masterSecret.findMany({ orderBy: { version: 'desc' } });
    const newest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if (!newest.has(r.audience)) newest.set(r.audience, r);
    const rotated: string[] = [];
    for (const [audience, row] of newest) {
      if (!opts.force && row.createdAt.getTime() + opts.periodSec * 1000 > now.getTime()) continue;
      const secret = ratchetMaster(decryptSecret(opts.kek, row.secret, masterAad(audience, row.version)));
      const version = row.version + 1;
      await tx.masterSecret.create({ data: { audience, version, secret: encryptSecret(opts.kek, secret, masterAad(audience, version)), createdAt: now } });
      await tx.masterSecret.updateMany({ where: { audience, version: { lt: version }, dropAfter: null }, data: { dropAfter: new Date(now.getTime() + opts.retentionSec * 1000) } });
      rotated.push(audience);
    }
    return rotated;
  });
}
