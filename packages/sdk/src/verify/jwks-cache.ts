/**
 * The issuer's signing keys as a resource server sees them: fetched from the
 * configured JWKS URL only (never from a URL in a token header), cached, and
 * refetched on an unknown `kid` at most once per `cooldown` seconds so a flood of
 * tokens with made-up kids cannot turn into a flood of requests to the issuer.
 */
import { importJWK, type JWK } from 'jose';
import type { VerificationKey } from '../token/index.js';

export interface JwksCacheOptions {
  /** absolute URL of the issuer's JWKS */
  jwksUri: string;
  /** fewest seconds between two fetches (default 30) */
  cooldown?: number;
  /** seconds after which the key set is refreshed on next use (default 600) */
  maxAge?: number;
  /** per-request timeout in milliseconds (default 5000) */
  timeout?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface JwksCache {
  /** the key for `kid` if the issuer publishes it with algorithm `alg` */
  key(kid: string, alg: string): Promise<VerificationKey | undefined>;
}

type Entry = { key: VerificationKey; alg: string };

async function download(opts: JwksCacheOptions): Promise<Map<string, Entry>> {
  const res = await (opts.fetch ?? fetch)(opts.jwksUri, { signal: AbortSignal.timeout(opts.timeout ?? 5000), redirect: 'error', headers: { accept: 'application/jwk-set+json, application/json' } });
  if (!res.ok) throw new Error(`JWKS fetch failed with status ${res.status}`);
  const body = await res.json() as { keys?: JWK[] };
  const keys = new Map<string, Entry>();
  for (const jwk of Array.isArray(body.keys) ? body.keys : []) {
    if (typeof jwk.kid !== 'string' || typeof jwk.alg !== 'string' || 'd' in jwk) continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    try {
      keys.set(jwk.kid, { key: await importJWK(jwk, jwk.alg) as VerificationKey, alg: jwk.alg });
    } catch { /* a key this runtime cannot use is skipped */ }
  }
  return keys;
}

/** Creates a JWKS cache. */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  if (!URL.canParse(options.jwksUri)) throw new TypeError('jwksUri must be an absolute URL');
  const now = options.now ?? (() => Date.now() / 1000);
  const cooldown = options.cooldown ?? 30;
  const maxAge = options.maxAge ?? 600;
  let keys = new Map<string, Entry>();
  let fetchedAt = -Infinity;
  let inflight: Promise<void> | undefined;
  function refresh(): Promise<void> {
    inflight ??= download(options).then((k) => { keys = k; }).finally(() => { fetchedAt = now(); inflight = undefined; });
    return inflight;
  }
  return {
    async key(kid, alg) {
      const age = now() - fetchedAt;
      const stale = age >= maxAge;
      if ((stale || !keys.has(kid)) && (age >= cooldown || inflight)) await refresh();
      const entry = keys.get(kid);
      return entry && entry.alg === alg ? entry.key : undefined;
    },
  };
}
