/**
 * Reads the body of POST /introspect and /revoke before oidc-provider does, and
 * prefixes a JWT-shaped `token` with SHIELD so oidc-provider's structured-token guard
 * lets it through to the bridged `find` (see oidc-bridge.ts). oidc-provider then
 * parses the already-read body (its documented fallback for upstream parsers).
 */
import { parse, stringify } from 'node:querystring';
import type { Context, Next } from 'koa';
import { InvalidRequest } from '../errors/index.js';
import { SHIELD } from './oidc-bridge.js';

const LIMIT = 56 * 1024; // the same cap oidc-provider applies to request bodies

/** Middleware for the introspection and revocation routes. */
export function tokenShield(paths: string[]) {
  const routes = new Set(paths);
  return async function shieldToken(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'POST' || !routes.has(ctx.path) || !ctx.is('application/x-www-form-urlencoded')) return next();
    const raw = await readLimited(ctx);
    const params = parse(raw);
    if (typeof params.token === 'string' && params.token.includes('.')) params.token = SHIELD + params.token;
    (ctx.req as unknown as { body: string }).body = stringify(params);
    return next();
  };
}

async function readLimited(ctx: Context): Promise<string> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > LIMIT) throw new InvalidRequest('request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > LIMIT) throw new InvalidRequest('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
