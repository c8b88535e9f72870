/** A test issuer with one resource server, a confidential and a public browser client, and users. */
import * as client from 'openid-client';
import { createUserService, type UserService } from '../../../src/users/index.js';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import type { IssuerExtensions, IssuerOptions } from '../../../src/server/index.js';

export const API = 'https://api.users.test';
export const REDIRECT = 'https://app.users.test/callback';
export const LOGGED_OUT = 'https://app.users.test/bye';

export interface UsersWorld { t: TestIssuer; users: UserService; web: client.Configuration; spa: client.Configuration; secret: string }

/** Starts the issuer and registers clients `web` (confidential) and `spa` (public). */
export async function startUsersWorld(env: Record<string, string> = {}, seams: IssuerExtensions & IssuerOptions = {}): Promise<UsersWorld> {
  // These suites sign the same few users in (and fail on purpose) far more often than a
  // person would; login lockouts are tested in throttle.test.ts, budgets in test/integration/throttle.
  const t = await startTestIssuer({
    THROTTLE_LOGIN: 'ip=100000/1m,subject=100000/1m', THROTTLE_TOTP: 'ip=100000/1m,subject=100000/1m',
    THROTTLE_LOGIN_FAILURES: 'ip=100000/1h,subject=100000/1h', THROTTLE_TOTP_FAILURES: 'ip=100000/1h,subject=100000/1h',
    THROTTLE_LOCKOUT_AFTER: '1000', RISK_SCORES: 'login_failure=1,refresh_reuse=1,recent_failures=0', ...env, // risk responses: test/integration/risk
  }, seams);
  await t.addResource({ audience: API, scopes: ['read', 'write'], ttl: 300 });
  const browser = { scopes: ['read'], audiences: [API], grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], postLogoutRedirectUris: [LOGGED_OUT] };
  const secret = await t.addClient({ id: 'web', ...browser });
  await t.addClient({ id: 'spa', ...browser, public: true });
  const opts = { execute: [client.allowInsecureRequests] };
  const web = await client.discovery(new URL(t.url), 'web', {}, client.ClientSecretBasic(secret), opts);
  const spa = await client.discovery(new URL(t.url), 'spa', {}, client.None(), opts);
  const users = createUserService({ db: t.issuer.db, kek: t.kek, issuer: t.url });
  return { t, users, web, spa, secret };
}
