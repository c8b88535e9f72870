/**
 * Reads the body of POST /introspect and /revoke before oidc-provider does, and
 * prefixes a JWT-shaped `token` with SHIELD so oidc-provider's structured-token guard
 * lets it through to the bridged `find` (see oidc-bridge.ts). oidc-provider then
 * parses the already-read body (its documented fallback for upstream parsers). The
 * parsed form stays on the context for the introspection fast path (formOf).
 */
import { parse, stringify, type ParsedUrlQuery } from 'node:querystring';
import type { Context, Next } from 'koa';
import { InvalidRequest } from '../errors/index.js';
import { SHIELD } from './oidc-bridge.js';

const LIMIT = 56 * 1024; // the same cap oidc-provider applies to request bodies
const FORM = Symbol('portcullis.form');

/** Middleware for the introspection and revocation routes. */
export function tokenShield(paths: string[]) {
  const routes = new Set(paths);
  return async function shieldToken(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'POST' || !routes.has(ctx.path) || !ctx.is('application/x-www-form-urlencoded')) return next();
    const raw = await readLimited(ctx);
    const params = parse(raw);
    if (typeof params.token === 'string' && params.token.includes('.')) params.token = SHIELD + params.token;
    (ctx.req as unknown as { body: string }).body = stringify(params);
    (ctx.state as Record<symbol, ParsedUrlQuery>)[FORM] = params;
    return next();
  };
}

/** The form the shield parsed (token already shielded), if it ran for this request. */
export function formOf(ctx: Context): ParsedUrlQuery | undefined {
  return (ctx.state as Record<symbol, ParsedUrlQuery | undefined>)[FORM];
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
