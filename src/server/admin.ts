/**
 * The admin API's wiring: the admin service as the issuer runs it (removals revoke the
 * subject and tell receivers, as the CLI's do) and the token check of its callers.
 */
import type { Context } from 'koa';
import type { Config } from '../config/index.js';
import type { AdminDeps } from '../admin/index.js';
import { adminRoutes, type AdminRoute } from '../admin-api/index.js';
import type { PresentedTokenDeps } from '../bearer/index.js';
import type { BindingDeps } from '../oidc/index.js';
import type { EventEmitter } from '../events/index.js';
import { deploymentSecret, subjectHandle } from '../keys/index.js';
import { longestTokenTtl } from '../registry/index.js';
import type { createRevocationService } from '../revocation/index.js';
import type { Database } from '../storage/index.js';
import type { Throttle } from '../throttle/index.js';

export interface AdminWiring {
  config: Config; db: Database; kek: Uint8Array; clientPepper: Uint8Array; handlePepper: Uint8Array;
  revocation: ReturnType<typeof createRevocationService>; events: EventEmitter;
  bearer: PresentedTokenDeps; certificates: BindingDeps['certificates'];
  clientIp(ctx: Context): string | undefined;
  keysChanged(): Promise<void>;
  throttle: Pick<Throttle, 'lift'>;
}

/** The admin API's routes for the route table. */
export async function adminApi(w: AdminWiring): Promise<AdminRoute[]> {
  const service: AdminDeps = {
    db: w.db, kek: w.kek, clientPepper: w.clientPepper, addressPepper: await deploymentSecret(w.db, w.kek, 'risk-ip-hash'), keysChanged: w.keysChanged,
    defaultTokenTtl: w.config.accessTokenTtl, throttle: w.throttle,
    keyPolicy: { alg: w.config.signingAlg, masterPeriodSec: w.config.masterSecretRotation },
    keepRemovalUntil: async () => new Date(Date.now() + (await longestTokenTtl(w.db, w.config.accessTokenTtl) + w.config.clockTolerance) * 1000),
    async revokeSubject(sub, reason) {
      const generation = await w.revocation.bumpSubject(subjectHandle(w.handlePepper, sub));
      await w.events.emit({ type: 'subject.revoked', sub, generation, initiator: 'admin', reason });
    },
  };
  return adminRoutes({
    issuer: w.config.issuer, bearer: w.bearer, bearerClients: w.config.adminBearerClients, service, clientIp: w.clientIp,
    certificate: (ctx) => w.certificates.certificate(ctx.req)?.cert,
  });
}
