/**
 * `keys.rotate`: exactly `keys rotate --if-due` (scripts/admin/commands.ts) on a
 * schedule. Idempotent: rotation runs under the key lifecycle's advisory lock and only
 * when due, so two workers firing at once rotate once.
 */
import { rotateMasters, rotateSigningKey } from '../../keys/index.js';
import { longestTokenTtl } from '../../registry/index.js';
import type { Database } from '../../storage/index.js';
import type { Processor } from '../processor.js';

export interface RotateKeysDeps {
  db: Database;
  kek: Uint8Array;
  config: { signingAlg: string; accessTokenTtl: number; clockTolerance: number; signingKeyRotation: number; masterSecretRotation: number };
  /** tells every process to reload keys (Redis notice, local reload) */
  onKeysChanged(): Promise<void>;
  now?: () => Date;
}

/** Creates the processor. */
export function rotateKeysProcessor(deps: RotateKeysDeps): Processor<'keys.rotate'> {
  return async (_payload, { log }) => {
    const now = deps.now?.() ?? new Date();
    const retentionSec = await longestTokenTtl(deps.db, deps.config.accessTokenTtl) + deps.config.clockTolerance;
    const base = { db: deps.db, kek: deps.kek, alg: deps.config.signingAlg, retentionSec, now };
    const signing = await rotateSigningKey({ ...base, ifDueAfterSec: deps.config.signingKeyRotation });
    const masters = await rotateMasters({ ...base, periodSec: deps.config.masterSecretRotation });
    if (signing.rotated || signing.retired.length || masters.length) {
      await deps.onKeysChanged();
      log.info({ rotated: signing.rotated, current: signing.current, retired: signing.retired, masters }, 'key.rotated');
    }
  };
}
