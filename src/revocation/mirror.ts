/**
 * An in-memory copy of revocation state (revoked token ids, subject generations) that
 * is never stale when read.
 *
 * Every write to Revocation or SubjectKey is stamped by a trigger with the next value
 * of the single RevocationEpoch row, inside the writing transaction; the row lock
 * orders those writes, so a snapshot that shows epoch N shows every row stamped ≤ N.
 * `fresh()` resolves after a sync that STARTED after it was called: a read of the epoch
 * and, when it moved, one statement that reads every row stamped since the last sync. A revocation committed
 * before a check began is therefore always seen, on every process, with no per-token
 * query. Concurrent checks share one sync, so under load one round trip serves many.
 * The embedded owner skips even that read (and the wait for the next loop turn) while
 * nothing ran in PGlite since the last one.
 */
import type { Database } from '../storage/index.js';

export interface RevocationMirror {
  /** Resolves once the mirror reflects every revocation committed before the call. */
  fresh(): Promise<void>;
  /** Whether a token id is revoked (call after fresh()). */
  isRevoked(jti: string): boolean;
  /** A subject's current generation (call after fresh()). */
  generation(handle: string): number;
  /** When a removal key (`client:…`, `audience:…`) was last recorded, epoch ms (call after fresh()). */
  removedAt(key: string): number | undefined;
}

/** Revocation keys that stop every token issued before they were written, not one token. */
export const REMOVAL_PREFIXES = ['client:', 'audience:'];
const isRemoval = (key: string) => REMOVAL_PREFIXES.some((p) => key.startsWith(p));

const SYNC_SQL = `SELECT 'r' AS kind, jti AS key, (extract(epoch FROM "expiresAt") * 1000)::float8 AS n, epoch::text AS epoch,
      (extract(epoch FROM "revokedAt") * 1000)::float8 AS at
    FROM "Revocation" WHERE epoch > $1::bigint
  UNION ALL SELECT 's', handle, generation::float8, epoch::text, 0 FROM "SubjectKey" WHERE epoch > $1::bigint
  UNION ALL SELECT 'e', '', 0, value::text, 0 FROM "RevocationEpoch" WHERE id = 1`;

const EPOCH_SQL = 'SELECT value::text AS value FROM "RevocationEpoch" WHERE id = 1';

interface Row { kind: 'r' | 's' | 'e'; key: string; n: number; epoch: string; at: number }

/** Creates the mirror; the first fresh() loads the current state. */
export function createRevocationMirror(opts: { db: Database; now?: () => number }): RevocationMirror {
  const now = opts.now ?? Date.now;
  const revoked = new Map<string, number>(); // jti -> expiry (ms)
  const generations = new Map<string, number>();
  const removals = new Map<string, number>(); // removal key -> when it was written (ms)
  let epoch = -1n;
  let sweepAt = 0;
  let inflight: Promise<void> | undefined;
  let waiting: Promise<void> | undefined;

  function apply(rows: Row[]): void {
    for (const row of rows) {
      if (row.kind === 'r') {
        revoked.set(row.key, row.n);
        if (isRemoval(row.key)) removals.set(row.key, row.at);
      }
      else if (row.kind === 's') generations.set(row.key, Math.max(row.n, generations.get(row.key) ?? 0));
      else epoch = BigInt(row.epoch);
    }
  }

  // Revocations outlive their tokens only until purge; drop them locally once expired.
  function sweep(): void {
    const t = now();
    if (t < sweepAt) return;
    sweepAt = t + 60_000;
    for (const [jti, expires] of revoked) {
      if (expires > t) continue;
      revoked.delete(jti);
      removals.delete(jti);
    }
  }

  // Usually nothing changed: one primary-key read of the epoch. Only when it moved, one
  // statement (one snapshot) reads the new epoch and every row stamped since ours.
  // Embedded mode: when nothing at all ran in PGlite since our last epoch read ran, the
  // epoch cannot have moved, and the read is skipped (QuietReads in storage).
  const quiet = opts.db.quiet;
  const epochSql = quiet ? quiet.tag(EPOCH_SQL) : EPOCH_SQL;
  async function sync(): Promise<void> {
    if (epoch >= 0n) {
      if (quiet?.unchanged()) return sweep();
      const { rows } = await opts.db.pool.query<{ value: string }>(epochSql);
      if (BigInt(rows[0].value) === epoch) return sweep();
    }
    const { rows } = await opts.db.pool.query<Row>(SYNC_SQL, [epoch < 0n ? '-1' : epoch.toString()]);
    apply(rows);
    sweep();
  }

  // The sync starts on the next turn of the event loop, so every check made while the
  // loop handles the current batch of requests shares it.
  function start(): Promise<void> {
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(sync)
      .finally(() => { if (inflight === run) inflight = undefined; });
    inflight = run;
    return run;
  }

  return {
    async fresh() {
      // Embedded, with no sync running (so the last one's rows are applied): when nothing
      // ran in PGlite since its epoch read ran, the mirror is already exact for this call.
      if (!inflight && epoch >= 0n && quiet?.unchanged()) return sweep();
      if (!inflight) return start();
      // The running sync may have read before this call: wait for one that starts later.
      waiting ??= inflight.catch(() => undefined).then(() => {
        waiting = undefined;
        return inflight ?? start();
      });
      return waiting;
    },
    isRevoked: (jti) => revoked.has(jti),
    generation: (handle) => generations.get(handle) ?? 0,
    removedAt: (key) => removals.get(key),
  };
}
