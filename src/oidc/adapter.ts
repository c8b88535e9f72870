/**
 * oidc-provider's storage adapter (its `adapter` option), one object per model name:
 * access tokens are answered from the tokens themselves (token-adapter.ts), clients are
 * read from the registry and remembered for a second, everything else (grants, sessions,
 * interactions, codes, refresh tokens, replay ids) is stored in the database, codes and
 * refresh tokens under a keyed hash of their value (storage/artefact-id.ts).
 */
import type { Logger } from 'pino';
import type { TokenService } from '../access-tokens/index.js';
import { createTtlCache } from '../cache/index.js';
import type { RiskService } from '../risk/index.js';
import { createOidcAdapter, type Database, type OidcAdapter } from '../storage/index.js';
import { reportReplays } from './risk-hooks.js';
import { tokenAdapter, type RevokedToken } from './token-adapter.js';

export interface AdapterDeps {
  db: Database;
  /** key of the keyed hash of stored bearer artefacts (codes, refresh tokens) */
  idKey: Uint8Array;
  tokens: TokenService;
  revoked(token: RevokedToken): Promise<void>;
  risk?: RiskService;
  log: Logger;
  /** the clock of the remembered client lookups, epoch ms */
  now?: () => number;
}

/** The class oidc-provider instantiates per model name. */
export function createAdapter(deps: AdapterDeps): new (name: string) => unknown {
  const Stored = createOidcAdapter(deps.db.prisma, { idKey: deps.idKey });
  const clients = createTtlCache((id: string) => new Stored('Client').find(id), { ttlMs: 1000, now: deps.now });
  return class {
    constructor(name: string) {
      if (name === 'AccessToken' || name === 'ClientCredentials') return tokenAdapter(name, deps);
      const stored = new Stored(name);
      if (name === 'Client') return Object.assign(Object.create(stored) as OidcAdapter, { find: (id: string) => clients.get(id) });
      if (name === 'ReplayDetection' && deps.risk) return reportReplays(stored, deps.risk, deps.log);
      return stored;
    }
  };
}
