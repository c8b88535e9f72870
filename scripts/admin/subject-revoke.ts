/**
 * `subject revoke`: bump the subject's key generation (every earlier token stops opening
 * at the issuer) and tell event receivers at once (`subject.revoked`, pushed as soon as
 * it is stored: events.ts). The benchmark runs the same function.
 */
import { subjectHandle } from '../../src/keys/index.js';
import { createRevocationService } from '../../src/revocation/index.js';
import type { AdminContext } from './context.js';
import { adminEmitter } from './events.js';

/** Revokes every token of `sub`; returns the new key generation. */
export async function revokeSubject(ctx: AdminContext, sub: string, reason?: string): Promise<number> {
  const revocation = createRevocationService({ db: ctx.db, subjectCacheTtlSec: 0 });
  const generation = await revocation.bumpSubject(subjectHandle(await ctx.secret('subject-handle'), sub));
  const events = await adminEmitter(ctx);
  try { await events.emit({ type: 'subject.revoked', sub, generation, initiator: 'admin', ...(reason ? { reason } : {}) }); } finally { await events.close(); }
  return generation;
}
