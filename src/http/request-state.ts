/**
 * What the layers of one request tell each other: the throttle keys the gate counted,
 * the addresses the risk gate saw, whether the token turned out active. Kept per
 * request object: the same IncomingMessage reaches our chains and oidc-provider's
 * context (`ctx.req`; outside a context, oidc-provider's `Provider.ctx`), so no
 * AsyncLocalStorage of our own is needed. Each one that is active is paid for on every
 * promise the process creates, and oidc-provider has one already.
 */
import type { IncomingMessage } from 'node:http';
import type { ThrottledRequest } from './throttle-gate.js';
import type { RiskRequest } from './risk-gate.js';

export interface RequestState { tokenResult?: 'active' | 'inactive'; fast?: boolean; throttled?: ThrottledRequest; risk?: RiskRequest }

/** The states of requests in flight, found by their request object. */
export interface RequestStates<S = RequestState> {
  /** A fresh state for a request (the request log calls it first). */
  start(req: IncomingMessage): S;
  /** The request's state; undefined for a request that did not start one. */
  of(req: IncomingMessage | undefined): S | undefined;
}

/**
 * Creates the registry (one per app). A state is a property of its request object under
 * a symbol of this registry (a WeakMap entry per request cost about 1.5 µs, the property
 * a hidden-class transition that V8 caches), so it goes with the request.
 */
export function createRequestStates(): RequestStates {
  const key = Symbol('portcullis request state');
  type Carrier = IncomingMessage & { [key]?: RequestState };
  return {
    start(req) {
      const state: RequestState = {};
      (req as Carrier)[key] = state;
      return state;
    },
    of: (req) => (req ? (req as Carrier)[key] : undefined),
  };
}
