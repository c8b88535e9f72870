/**
 * Reads an application/x-www-form-urlencoded request body once, before oidc-provider:
 * the throttle gate needs `client_id` and the token shield needs `token`. The raw body
 * is left on `req.body`, which oidc-provider parses instead of the consumed stream
 * (its documented fallback for upstream parsers).
 */
import { parse, type ParsedUrlQuery } from 'node:querystring';
import type { Context } from 'koa';
import { InvalidRequest } from '../errors/index.js';

const LIMIT = 56 * 1024; // the same cap oidc-provider applies to request bodies

/** The parsed form (cached on ctx.state), or undefined when the body is not a form. */
export async function readForm(ctx: Context): Promise<ParsedUrlQuery | undefined> {
  if (ctx.state.form) return ctx.state.form as ParsedUrlQuery;
  if (!ctx.is('application/x-www-form-urlencoded')) return undefined;
  const raw = await readLimited(ctx);
  (ctx.req as unknown as { body: string }).body = raw;
  ctx.state.form = parse(raw);
  return ctx.state.form as ParsedUrlQuery;
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
