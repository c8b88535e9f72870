/**
 * Throttling at the token endpoints, in two halves:
 *  - `throttleGate` (Koa, before the token shield and oidc-provider): cheap keys only
 *    (the client address, the client id claimed by the Basic header or the client_id
 *    form parameter, unverified), budgets checked before any crypto or database work,
 *    429 invalid_request with Retry-After and RateLimit fields when over;
 *  - `throttleOutcome` (an oidc-provider middleware): after oidc-provider answered but
 *    before the response is sent, records failures (invalid_client, invalid_grant, an
 *    inactive token at /introspect) and successes, so the very next request sees them.
 */
import type { IncomingMessage } from 'node:http';
import type { ParsedUrlQuery } from 'node:querystring';
import type { BlockList } from 'node:net';
import type { Exchange, Next } from './exchange.js';
import { pending, then } from './chain.js';
import { OAuthError, TooManyRequests } from '../errors/index.js';
import type { Throttle, ThrottleKeys, ThrottleKind } from '../throttle/index.js';
import { clientAddress } from './client-address.js';
import { readForm } from './form-body.js';
import { basicCredentials } from './basic-credentials.js';
import type { RequestStates } from './request-state.js';

/** What the gate leaves for the outcome half (on the request's RequestState). */
export interface ThrottledRequest { kind: ThrottleKind; keys: ThrottleKeys; recorded: boolean }

interface State { throttled?: ThrottledRequest; tokenResult?: 'active' | 'inactive' }

export interface GateDeps { throttle: Throttle; trustedProxies: BlockList; requests: Pick<RequestStates<State>, 'of'> }

/**
 * Koa middleware: refuses over-budget requests to one throttled place. The app puts it
 * only on the routes of that place (app.ts: POST /token, /introspect, /revoke; the event
 * endpoints; /me/data).
 */
export function throttleGate({ throttle, trustedProxies, requests }: GateDeps, kind: ThrottleKind) {
  // no promise of its own for Basic credentials in embedded mode (chain.ts `steps`)
  return function gate(ctx: Exchange, next: Next): void | Promise<void> {
    if (!throttle.enabled) return next();
    const keys: ThrottleKeys = { ip: clientAddress(ctx.req.socket.remoteAddress, ctx.get('x-forwarded-for'), trustedProxies) };
    return then(claimedClient(ctx), (client) => {
      if (client) keys.client = client;
      return then(throttle.check(kind, keys), (verdict) => { // embedded mode answers without a promise
        ctx.set(verdict.headers);
        if (!verdict.allowed) throw new TooManyRequests(verdict.retryAfter, verdict.headers, `${verdict.reason} limit on ${verdict.key}`);
        const state = requests.of(ctx.req);
        if (state) state.throttled = { kind, keys, recorded: verdict.recorded !== false };
        return next();
      });
    });
  };
}

/**
 * The client id a request claims, unverified: RFC 6749 §2.3.1 Basic credentials
 * (as sent when their encoding is malformed), else the client_id form parameter.
 */
function claimedClient(ctx: Exchange): string | undefined | Promise<string | undefined> {
  const basic = basicCredentials(ctx);
  if (basic) return basic.id ?? basic.rawId;
  const read = readForm(ctx);
  const named = (form: ParsedUrlQuery | undefined) => (typeof form?.client_id === 'string' && form.client_id !== '' ? form.client_id : undefined);
  return read instanceof Promise ? read.then(named) : named(read);
}

interface ProviderContext { req?: IncomingMessage; status: number; body?: unknown }

/**
 * Feeds the answer back to the throttle: as an oidc-provider middleware (`provider.use`)
 * and as a Koa middleware around the introspection fast path, which answers without
 * oidc-provider. Whichever finishes first records; the other finds nothing to do.
 */
export function throttleOutcome(throttle: Throttle, requests: Pick<RequestStates<State>, 'of'>) {
  return function recordOutcome(ctx: ProviderContext, next: Next): void | Promise<void> {
    // our own endpoints (event endpoints, /me/data) throw their OAuth errors
    const failed = (err: unknown): void | Promise<void> => {
      if (!(err instanceof OAuthError)) throw err;
      return then(record({ req: ctx.req, status: err.status, body: { error: err.error } }), () => { throw err; });
    };
    let rest: void | Promise<void>;
    try {
      rest = next();
    } catch (err) {
      return failed(err);
    }
    return pending(rest) ? rest.then(() => record(ctx), failed) : record(ctx);
  };

  // nothing to wait for when nothing is recorded (a success with nothing on record)
  function record(ctx: ProviderContext): void | Promise<void> {
    const store = requests.of(ctx.req);
    const throttled = store?.throttled;
    if (!store || !throttled) return;
    store.throttled = undefined; // recorded once: inside oidc-provider, or around the fast path (app.ts)
    const { kind, keys, recorded } = throttled;
    const error = (ctx.body as { error?: unknown } | undefined)?.error;
    if (ctx.status === 401 || error === 'invalid_client') return throttle.fail(kind, keys);
    if (error === 'invalid_grant') return throttle.fail(kind, keys, { lockout: false });
    if (ctx.status >= 400) return;
    // an inactive token presented is a failed guess (RFC 7662 §4); the JWT answer (RFC 9701) hides `active`
    const inactive = (ctx.body as { active?: unknown } | undefined)?.active === false || store.tokenResult === 'inactive';
    const succeed = (): void | Promise<void> => (recorded ? throttle.succeed(kind, keys) : undefined); // nothing on record: nothing to clear
    return kind === 'introspect' && inactive ? throttle.fail(kind, keys, { lockout: false }).then(succeed) : succeed();
  }
}
