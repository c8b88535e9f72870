/**
 * Mints and opens Portcullis access tokens with live state: the current signing key
 * and audience master from the key store, the subject's generation and revocations
 * from the revocation service. No HTTP here; the oidc-provider bridge calls it.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { KeyStore } from '../keys/index.js';
import { createDerivedKeyCache, subjectHandle } from '../keys/index.js';
import type { RevocationService } from '../revocation/index.js';
import { openToken, sealToken, type AccessTokenClaims, type OpenedToken } from '../tokens/index.js';
import { createOpenCache } from './open-cache.js';

export interface TokenService {
  /** Seals claims into a nested token. Throws TypeError when the audience has no master secret. */
  issue(claims: AccessTokenClaims): Promise<string>;
  /** Opens a token and checks its state (expiry, keys, revocation); undefined for anything not active. */
  open(token: string): Promise<OpenedToken | undefined>;
  /** Revokes one token until its expiry (epoch seconds; unknown: as long as any token lives). */
  revoke(jti: string, exp?: number): Promise<void>;
  /** Revokes every access token of a grant (they are not stored, so this is recorded until they would expire). */
  revokeGrant(grantId: string): Promise<void>;
  /** Revokes every access token minted in a session (sid claim); `by` says who ended it (for the security event). */
  revokeSession(sid: string, by?: 'user' | 'policy' | 'admin' | 'system'): Promise<void>;
  /** Bumps the subject's generation: all its tokens stop opening. */
  revokeSubject(sub: string): Promise<number>;
  /** The pseudonymous handle of a subject. */
  handleOf(sub: string): string;
}

interface Options {
  issuer: string;
  keys: KeyStore;
  revocation: RevocationService;
  handlePepper: Uint8Array;
  clockTolerance: number;
  maxTokenLength: number;
  openCacheSize: number;
  algorithms: string[];
  /** Longest access token lifetime any audience allows (seconds): how long a grant revocation must be kept. */
  longestTtl?: () => Promise<number>;
}

/** Creates the token service. */
export function createTokenService(opts: Options): TokenService {
  const keyCache = createDerivedKeyCache({ max: 10_000 });
  const openCache = createOpenCache<OpenedToken>(opts.openCacheSize);
  const handles = new Map<string, string>();

  function handleOf(sub: string): string {
    let h = handles.get(sub);
    if (!h) {
      h = subjectHandle(opts.handlePepper, sub);
      if (handles.size > 100_000) handles.clear();
      handles.set(sub, h);
    }
    return h;
  }

  const openOptions = {
    issuer: opts.issuer,
    verificationKey: (kid: string, alg: string) => opts.keys.verificationKey(kid, alg),
    master: (aud: string, msv: number) => opts.keys.master(aud, msv),
    algorithms: opts.algorithms,
    keyCache,
    clockTolerance: opts.clockTolerance,
    maxLength: opts.maxTokenLength,
  };

  // A cached open skips the key lookups, so check that the signing key is still
  // published and the audience's master version still exists: a retired key or a
  // removed resource server must stop its tokens even if they were opened before.
  async function stillOpenable({ context }: OpenedToken): Promise<boolean> {
    return opts.keys.isPublished(context.kid) && (await opts.keys.master(context.aud, context.msv)) !== undefined;
  }

  // The inner header's subject handle is what revocation and generations are keyed by;
  // a token whose sealed `sub` is not the subject of that handle (only someone holding a
  // signing key and an audience master could make one) would escape its real subject's
  // revocation, so it is refused. Handles are HMACs of `sub` (keys/subject-handle.ts).
  function subjectMatches({ claims, context }: OpenedToken): boolean {
    const [expected, presented] = [Buffer.from(handleOf(claims.sub)), Buffer.from(context.sh)];
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  }

  // expiry, subject handle, key and master still there, then revocation state
  async function checked(opened: OpenedToken): Promise<OpenedToken | undefined> {
    if (opened.claims.exp + opts.clockTolerance <= Date.now() / 1000) return undefined;
    if (!subjectMatches(opened)) return undefined;
    if (!(await stillOpenable(opened))) return undefined;
    const { jti, gid, sid, client_id: clientId, aud, iat } = opened.claims as typeof opened.claims & { gid?: string; sid?: string };
    const state = await opts.revocation.state(jti, opened.context.sh, opened.context.gen, { gid, sid, clientId, aud, iat });
    return state === 'active' ? opened : undefined;
  }

  async function keepUntil(): Promise<Date> {
    const ttl = await (opts.longestTtl?.() ?? Promise.resolve(86_400));
    return new Date(Date.now() + (ttl + opts.clockTolerance) * 1000);
  }

  return {
    handleOf,
    async issue(claims) {
      const handle = handleOf(claims.sub);
      const [generation, master] = await Promise.all([
        opts.revocation.generationForIssuance(handle),
        opts.keys.currentMaster(claims.aud),
      ]);
      if (!master) throw new TypeError(`audience ${claims.aud} has no master secret`);
      return sealToken(claims, { signingKey: opts.keys.signingKey(), master, handle, generation, keyCache });
    },
    async open(token) {
      if (typeof token !== 'string' || token.length > opts.maxTokenLength) return undefined;
      const opened = await openCache.get(cacheKey(token), () => openToken(token, openOptions), (t) => t.claims.exp + opts.clockTolerance).catch(() => undefined);
      return opened && checked(opened);
    },
    revoke: async (jti, exp) => opts.revocation.revokeToken(jti, exp === undefined ? await keepUntil() : new Date((exp + opts.clockTolerance) * 1000)),
    revokeGrant: async (grantId) => opts.revocation.revokeGrant(grantId, await keepUntil()),
    revokeSession: async (sid) => opts.revocation.revokeSession(sid, await keepUntil()),
    revokeSubject: (sub) => opts.revocation.bumpSubject(handleOf(sub)),
  };
}

// Cache by digest so the cache never holds whole token strings as keys.
function cacheKey(token: string): string {
  return hash('sha256', token, 'base64url');
}
