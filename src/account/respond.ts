/** Small answers shared by the account pages. */
import type { Context } from 'koa';
import { waitFor, layout } from '../interactions/index.js';
import type { ThrottleKind } from '../throttle/index.js';
import type { AccountDeps } from './deps.js';

export function html(ctx: Context, body: string): void {
  ctx.type = 'html';
  ctx.body = body;
}

/**
 * Asks the throttle (per address, and per account when `subject` is given) before any
 * work; over budget: 429 with Retry-After and a page saying how long to wait.
 */
export async function throttled(deps: AccountDeps, ctx: Context, kind: ThrottleKind, subject?: string): Promise<boolean> {
  if (!deps.throttle) return true;
  const verdict = await deps.throttle.check(kind, { ip: deps.clientIp(ctx), ...(subject ? { subject } : {}) });
  ctx.set(verdict.headers);
  if (verdict.allowed) return true;
  ctx.status = 429;
  html(ctx, layout('Too many attempts', `<p role="alert">Too many attempts. ${waitFor(verdict.retryAfter)}</p>`, '', deps.brand));
  return false;
}
