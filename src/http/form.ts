/**
 * The url-encoded form of a POST to an OAuth endpoint (RFC 6749 Appendix B), read once
 * in front of oidc-provider: the gates key on the claimed `client_id`, introspection
 * checks `presenter_ip` and `fingerprint` first. oidc-provider then takes the form from
 * `ctx.request.body` (its documented fallback for an upstream body parser), so the
 * request is read once. A JWT-shaped `token` is handed on shielded (shieldedToken).
 */
import { parse, type ParsedUrlQuery } from 'node:querystring';
import type { Context } from 'koa';
import { InvalidRequest } from '../errors/index.js';
import { SHIELD, type TokenRequestState } from '../oidc/index.js';

/** The same cap oidc-provider applies to request bodies. */
export const FORM_LIMIT = 56 * 1024;

/** The request's form (read at most once), or undefined when the body is not a form. */
export async function readForm(ctx: Context): Promise<ParsedUrlQuery | undefined> {
  const state = ctx.state as TokenRequestState;
  if (state.form) return state.form;
  if (ctx.method !== 'POST' || !ctx.is('application/x-www-form-urlencoded')) return undefined;
  const form = parse(await readLimited(ctx));
  state.form = form;
  (ctx.request as { body?: unknown }).body = form;
  return form;
}

/**
 * oidc-provider refuses JWT-shaped tokens at /introspect and /revoke (it expects its own
 * opaque ones there). A Portcullis token is a JWS, so it is handed on prefixed with
 * SHIELD, which no JWT starts with; the token adapter strips it again.
 */
export function shieldedToken(ctx: Context): void {
  const form = (ctx.state as TokenRequestState).form;
  const token = form?.token;
  if (typeof token === 'string' && token.includes('.')) (ctx.request as { body?: unknown }).body = { ...form, token: SHIELD + token };
}

async function readLimited(ctx: Context): Promise<string> {
  if ((ctx.request.length ?? 0) > FORM_LIMIT) throw new InvalidRequest('request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT) throw new InvalidRequest('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
