/** What the account pages need from the rest of the issuer (wired in src/server/start.ts). */
import type { Context } from 'koa';
import type { Database } from '../storage/index.js';
import type { Logger } from 'pino';
import type { RiskNotification, SubjectKeys } from '../risk/index.js';
import type { Throttle } from '../throttle/index.js';
import type { UserService } from '../users/index.js';
import type { SignedIn } from '../oidc/index.js';
import type { Brand } from '../interactions/index.js';
import type { PasswordResets } from './resets.js';
import type { SessionDevices } from './devices.js';

export interface AccountDeps {
  issuer: string;
  /** product name, logo and accent colour of the pages */
  brand?: Brand;
  db: Database;
  /** deployment secret `csrf` */
  csrfKey: Uint8Array;
  /** cookies get `Secure` (the issuer is https) */
  secureCookies: boolean;
  users: UserService;
  resets: PasswordResets;
  resetTtlSec: number;
  /** RISK_SMTP_URL and RISK_EMAIL_FROM, when mail is configured */
  smtp?: { url: string; from: string };
  throttle?: Throttle;
  clientIp(ctx: Context): string;
  /** pseudonymous subject keys: throttle counters name people by these */
  keys: SubjectKeys;
  /** Ends the user's sessions, grants and refresh tokens (all, all but `except`, or `only` one session uid), telling receivers. */
  endSessions(userId: string, opts: { except?: string; only?: string }): Promise<void>;
  /** Ends the person's lockouts (after a password reset). */
  unlock(username: string): Promise<void>;
  /** Queues a notification to the user (webhook, e-mail). */
  notify(userId: string, type: RiskNotification['type']): Promise<void>;
  log: Pick<Logger, 'warn' | 'error'>;
  /** the browser's signed-in session (oidc-provider's, read through src/oidc) */
  current(ctx: Context): Promise<SignedIn | undefined>;
  devices: SessionDevices;
  /** the person's data, as GET /me/data returns it, and its erasure (DELETE /me/data) */
  exportUser(userId: string): Promise<unknown>;
  eraseUser(userId: string): Promise<unknown>;
  /** seconds a second-factor sign-in counts as fresh for removing that factor */
  freshMfaSec?: number;
  now?: () => number;
}
