/**
 * The url-encoded form of a POST to an OAuth endpoint (RFC 6749 Appendix B), read once
 * in front of oidc-provider: the gates key on the claimed `client_id`, introspection
 * checks `presenter_ip` and `fingerprint` first. oidc-provider then parses the body from
 * `req.body` (its documented fallback for an upstream body parser), so the request
 * stream is read once. A JWT-shaped `token` is handed on shielded (shieldedToken).
 */
import { parse, stringify, type ParsedUrlQuery } from 'node:querystring';
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
  const raw = await readLimited(ctx);
  const form = parse(raw);
  state.form = form;
  (ctx.req as { body?: unknown }).body = raw; // what oidc-provider parses
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
  if (typeof token === 'string' && token.includes('.')) (ctx.req as { body?: unknown }).body = stringify({ ...form, token: SHIELD + token });
}

function readLimited(ctx: Context): Promise<string> {
  if ((ctx.request.length ?? 0) > FORM_LIMIT) return Promise.reject(new InvalidRequest('request body too large'));
  const req = ctx.req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (settle: () => void) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= FORM_LIMIT) return void chunks.push(chunk);
      done(() => reject(new InvalidRequest('request body too large')));
      req.destroy();
    };
    const onEnd = () => done(() => resolve(Buffer.concat(chunks, size).toString('utf8')));
    const onError = (err: Error) => done(() => reject(err));
    const onClose = () => done(() => reject(new InvalidRequest('the request body was cut short')));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
