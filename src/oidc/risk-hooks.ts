/**
 * What oidc-provider tells the risk engine, and what logout ends, through its documented
 * events, adapter and middleware:
 *  - a refresh token used twice (RFC 9700 §4.14.2): oidc-provider revokes its grant at
 *    /token (`grant.revoked`) with the consumed refresh token in hand;
 *  - a DPoP proof replayed at /token (RFC 9449 §11.1): its proof id is found already
 *    recorded in the replay store;
 *  - RP-initiated logout that ends the session: every grant in it stops, offline_access
 *    ones included, and every token minted in it (its `sid`).
 */
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import type { TokenService } from '../access-tokens/index.js';
import type { RiskService } from '../risk/index.js';
import type { OidcAdapter, OidcAdapterClass } from '../storage/index.js';
import { stateOf } from './request-state.js';

type Ctx = KoaContextWithOIDC;
type Authorizations = Record<string, { grantId?: string; sid?: string }>;

/** Subscribes the risk engine to the provider's events. */
export function watchForRisk(provider: Provider, risk: RiskService, log: Logger): void {
  provider.on('grant.revoked', (ctx: Ctx) => {
    const refresh = ctx.oidc?.entities?.RefreshToken;
    const client = ctx.oidc?.client?.clientId;
    if (ctx.oidc?.route !== 'token' || !refresh?.consumed || !client) return;
    risk.refreshReused(refresh.accountId, client, stateOf(ctx)?.clientIp ?? 'unknown')
      .catch((err: unknown) => log.warn({ err: String(err) }, 'risk signal not recorded'));
  });
}

/** The replay store's adapter, reporting a proof id found again at /token (a replayed DPoP proof) before the refusal goes out. */
export function reportReplays(stored: OidcAdapter, risk: RiskService, log: Logger): OidcAdapter {
  return Object.assign(Object.create(stored) as OidcAdapter, {
    async find(id: string) {
      const found = await stored.find(id);
      const ctx = Provider.ctx;
      if (found && ctx?.oidc?.route === 'token') {
        await risk.dpopReplayed(ctx.oidc.client?.clientId, stateOf(ctx)?.clientIp)
          .catch((err: unknown) => log.warn({ err: String(err) }, 'risk signal not recorded'));
      }
      return found;
    },
  });
}

/**
 * provider.use middleware: after RP-initiated logout destroyed the session, each grant
 * in it is revoked (with its refresh tokens) and each session id recorded, before the
 * answer goes out. oidc-provider itself keeps offline_access grants across logout.
 */
export function endSessionRevocation(tokens: TokenService, Stored: OidcAdapterClass, confirmPath: string) {
  const [grants, refreshTokens] = [new Stored('Grant'), new Stored('RefreshToken')];
  const revokeAfter = async (ctx: Ctx, next: () => Promise<void>): Promise<void> => {
    await next();
    const session = ctx.oidc?.route === 'end_session_confirm' ? ctx.oidc.session as unknown as { destroyed?: boolean; authorizations?: Authorizations } : undefined;
    if (!session?.destroyed) return;
    for (const { grantId, sid } of Object.values(session.authorizations ?? {})) {
      if (sid) await tokens.revokeSession(sid, 'user');
      if (!grantId) continue;
      await tokens.revokeGrant(grantId);
      await Promise.all([refreshTokens.revokeByGrantId(grantId), grants.destroy(grantId)]);
    }
  };
  return (ctx: Ctx, next: () => Promise<void>): Promise<void> => (ctx.path === confirmPath ? revokeAfter(ctx, next) : next()); // every other route passes through
}
