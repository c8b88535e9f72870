/**
 * Introspection-backed verification (RFC 7662) for resource servers that do not
 * hold the opening secret. Each token is introspected once; the answer is cached
 * no longer than the token's `exp` (and `maxCacheAge`), and dropped at once on a
 * revocation signal (`drop`, `dropSubject`). The presenter binding is checked
 * locally against the `cnf` the issuer returned, so a cached answer still needs a
 * fresh DPoP proof or the same client certificate on every request.
 */
import { createHash } from 'node:crypto';
import { createReplayCache } from '../binding/index.js';
import { checkBinding, type DpopPolicy } from './check-binding.js';
import { describe, type PortcullisClaims, type Presentation } from './claims.js';
import { AccessTokenError } from './errors.js';
import type { Verifier } from './verifier.js';

export interface IntrospectionVerifierOptions {
  issuer: string;
  audience: string;
  /** default `${issuer}/introspect` */
  introspectionEndpoint?: string;
  clientId: string;
  clientSecret: string;
  /** longest time an answer is reused, in seconds (default 60) */
  maxCacheAge?: number;
  /** most cached answers (default 10000) */
  maxEntries?: number;
  dpop?: Partial<DpopPolicy>;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface IntrospectionVerifier extends Verifier {
  /** forget the cached answer for a token id (a revocation signal) */
  drop(jti: string): void;
  /** forget every cached answer for a subject */
  dropSubject(sub: string): void;
  readonly size: number;
}

type Entry = { claims: PortcullisClaims; until: number };

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** Builds an introspection-backed verifier. */
export function createIntrospectionVerifier(options: IntrospectionVerifierOptions): IntrospectionVerifier {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const endpoint = options.introspectionEndpoint ?? `${options.issuer.replace(/\/$/, '')}/introspect`;
  const cache = new Map<string, Entry>();
  const policy: DpopPolicy = { maxAge: options.dpop?.maxAge ?? 60, replay: options.dpop?.replay ?? createReplayCache({ now }), now, nonces: options.dpop?.nonces };

  async function introspect(token: string, presenterIp?: string): Promise<PortcullisClaims> {
    const res = await (options.fetch ?? fetch)(endpoint, {
      method: 'POST', redirect: 'error', signal: AbortSignal.timeout(5000),
      headers: { authorization: basic(options.clientId, options.clientSecret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token, ...(presenterIp ? { presenter_ip: presenterIp } : {}) }).toString(),
    });
    if (!res.ok) throw new Error(`introspection failed with status ${res.status}`);
    const body = await res.json() as Record<string, unknown> & { active?: unknown };
    const stepUp = body.step_up as { acr_values?: unknown } | undefined;
    if (body.active !== true && typeof stepUp?.acr_values === 'string') {
      // Portcullis risk engine (docs/risk.md): the user must sign in again at a higher level
      throw new AccessTokenError('insufficient_user_authentication', 'ERR_STEP_UP', { acrValues: stepUp.acr_values });
    }
    if (body.active !== true) throw new AccessTokenError('invalid_token', 'ERR_TOKEN_INACTIVE');
    if (body.iss !== options.issuer || body.aud !== options.audience) throw new AccessTokenError('invalid_token', 'ERR_TOKEN_AUDIENCE');
    if (typeof body.exp !== 'number' || body.exp <= now()) throw new AccessTokenError('invalid_token', 'ERR_TOKEN_EXPIRED');
    const { active: _active, token_type: _type, ...claims } = body;
    return claims as unknown as PortcullisClaims;
  }

  // an answer is cached per token and presenter address, so a new address is asked about
  async function lookup(token: string, presenterIp?: string): Promise<PortcullisClaims> {
    const key = createHash('sha256').update(token).update(`\0${presenterIp ?? ''}`).digest('base64url');
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.claims;
    cache.delete(key);
    const claims = await introspect(token, presenterIp);
    if (cache.size >= (options.maxEntries ?? 10_000)) cache.delete(cache.keys().next().value as string);
    cache.set(key, { claims, until: Math.min(claims.exp, now() + (options.maxCacheAge ?? 60)) });
    return claims;
  }

  function dropWhere(match: (c: PortcullisClaims) => boolean): void {
    for (const [key, entry] of cache) if (match(entry.claims)) cache.delete(key);
  }

  return {
    async verify(token, presentation: Presentation = {}) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 8192) throw new AccessTokenError('invalid_token', 'ERR_TOKEN_MALFORMED');
      const claims = await lookup(token, presentation.presenterIp);
      return describe(claims, await checkBinding(token, claims, presentation, policy));
    },
    drop: (jti) => dropWhere((c) => c.jti === jti),
    dropSubject: (sub) => dropWhere((c) => c.sub === sub),
    get size() { return cache.size; },
  };
}
