/**
 * Poll delivery for resource servers that cannot accept inbound calls (RFC 8936): one
 * `poll()` call asks the issuer's poll endpoint for pending SETs, verifies each like the
 * push middleware does, applies new ones to the view, and acknowledges them on the next
 * call (`ack`), reporting refused ones (`setErrs`) so the issuer stops offering them.
 */
import { createRemoteJWKSet } from 'jose';
import { createRevocationView, type ReceiverRevocationView } from './view.js';
import { SetVerificationError, verifySet, type VerifiedSet } from './verify-set.js';

export interface SetPollerOptions {
  issuer: string;
  audience: string;
  /** the client the resource server's stream is registered for, and its secret */
  clientId: string;
  clientSecret: string;
  /** default `${issuer}/events/poll` */
  pollUrl?: string;
  /** deadline of one poll request, ms (default 5000) */
  timeout?: number;
  jwksUri?: string;
  view?: ReceiverRevocationView;
  maxAgeSec?: number;
  maxEvents?: number;
  onEvent?(set: VerifiedSet): void;
}

export interface SetPoller {
  view: ReceiverRevocationView;
  /** One poll round trip; returns how many new SETs were applied. */
  poll(): Promise<number>;
}

/** Creates a poller; call poll() on a timer. */
export function createSetPoller(opts: SetPollerOptions): SetPoller {
  const base = opts.issuer.replace(/\/$/, '');
  const keys = createRemoteJWKSet(new URL(opts.jwksUri ?? `${base}/jwks`), { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5000 }); // a JWKS fetch has a deadline
  const view = opts.view ?? createRevocationView({ issuer: opts.issuer });
  const verify = { issuer: opts.issuer, audience: opts.audience, keys, maxAgeSec: opts.maxAgeSec ?? 300, clockToleranceSec: 30 };
  const enc = (s: string) => encodeURIComponent(s);
  const authorization = `Basic ${Buffer.from(`${enc(opts.clientId)}:${enc(opts.clientSecret)}`).toString('base64')}`;
  const seen = new Set<string>();
  let ack: string[] = [];
  let setErrs: Record<string, { err: string; description: string }> = {};

  return {
    view,
    async poll() {
      const res = await fetch(opts.pollUrl ?? `${base}/events/poll`, {
        method: 'POST', headers: { authorization, 'content-type': 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(opts.timeout ?? 5000),
        body: JSON.stringify({ maxEvents: opts.maxEvents ?? 100, returnImmediately: true, ack, setErrs }),
      });
      if (res.status !== 200) throw new Error(`poll endpoint answered ${res.status}`);
      [ack, setErrs] = [[], {}];
      const { sets } = await res.json() as { sets: Record<string, string> };
      let applied = 0;
      for (const [jti, jwt] of Object.entries(sets ?? {})) {
        try {
          const set = await verifySet(jwt, verify);
          if (set.jti !== jti) throw new SetVerificationError('invalid_request', 'jti does not match');
          if (!seen.has(jti)) { seen.add(jti); view.apply(set); applied++; opts.onEvent?.(set); }
          ack.push(jti);
        } catch (err) {
          const e = err instanceof SetVerificationError ? err : new SetVerificationError('invalid_request', 'unreadable SET');
          setErrs[jti] = { err: e.code, description: e.message };
        }
      }
      if (seen.size > 100_000) seen.clear(); // acknowledged SETs are not offered again
      return applied;
    },
  };
}
