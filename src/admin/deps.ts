import type { Database } from '../storage/index.js';
import type { Throttle } from '../throttle/index.js';

/** What the admin service needs; the admin CLI and the issuer (admin API) each build one. */
export interface AdminDeps {
  db: Database;
  /** the key-encryption key: a new resource server's master secret is stored under it */
  kek: Uint8Array;
  /** tells every issuer process that keys changed (a new audience's master secret) */
  keysChanged(): Promise<void>;
  /** keys client secret hashes (the deployment secret `client-secret`) */
  clientPepper: Uint8Array;
  /** keys the address hashes of audit entries (the deployment secret `risk-ip-hash`) */
  addressPepper: Uint8Array;
  /** SIGNING_ALG and MASTER_SECRET_ROTATION, for key rotation */
  keyPolicy: { alg: 'ES256' | 'EdDSA' | 'PS256'; masterPeriodSec: number };
  /** ACCESS_TOKEN_TTL: a resource server's token lifetime unless it names one */
  defaultTokenTtl: number;
  /** how long a removal must be remembered: until the last token issued before it expired */
  keepRemovalUntil(): Promise<Date>;
  /**
   * the running issuer's throttle (the admin API): its lockouts live in this process's memory
   * (embedded) or in Redis (cluster), out of the admin CLI's reach
   */
  throttle?: Pick<Throttle, 'lift'>;
  /** ends every token whose subject is `sub` and tells event receivers (subject.revoked) */
  revokeSubject(sub: string, reason: string): Promise<void>;
}
