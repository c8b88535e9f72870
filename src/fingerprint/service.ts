/**
 * The fingerprint service: what sign-in, issuance, introspection, the purge job and
 * the user's data rights call. No HTTP here.
 *
 *   login     validate + hash the presented fingerprint (+ what the server observed),
 *             store a profile for the interaction
 *   bind      the interaction's profile now belongs to the oidc-provider session
 *   claims    `fpp` (profile id) and `fpd` (stable digest) for a user token
 *   verify    exact digest first; else load the profile and score; drift learns
 */
import type { ComponentSpec } from '@portcullis/sdk/fingerprint';
import { hashComponents, sameDigest, stableDigest, type Hashes } from '@portcullis/sdk/fingerprint';
import { coarseMetadata, networkOf, observedComponents, type Observed } from './observed.js';
import { parseFingerprint } from './parse.js';
import { compareFingerprints, type Outcome, type Thresholds } from './score.js';
import type { ProfileStore } from './store.js';
import type { FingerprintPolicy } from './policy.js';

/** Told about every comparison (risk, subscribes). */
export interface FingerprintOutcome { subject: string; session?: string; clientId?: string; outcome: Outcome; score: number; ip?: string; at: Date }
export type OnOutcome = (o: FingerprintOutcome) => void;

export interface FingerprintServiceOptions {
  store: ProfileStore;
  /** deployment secret 'fingerprint' */
  key: Uint8Array;
  active: readonly ComponentSpec[];
  thresholds: Thresholds;
  retentionSec: number;
  onOutcome?: OnOutcome;
  now?: () => Date;
  /** comparison results kept this long (ms) */
  cacheMs?: number;
}

/** Claims a bound user token carries. */
export interface FingerprintClaims { fpp: string; fpd: string }

export interface VerifyInput {
  claims: { sub: string; fpp?: unknown; fpd?: unknown; sid?: unknown };
  /** the presenter's fingerprint as received (JSON text); undefined when none was passed */
  presented: unknown;
  observed?: Observed;
  policy: FingerprintPolicy;
  clientId?: string;
}

/** Creates the service. */
export function createFingerprintService(opts: FingerprintServiceOptions) {
  const now = opts.now ?? (() => new Date());
  const browserOnly = opts.active.filter((c) => c.source === 'browser');
  const cache = new Map<string, { outcome: Outcome; until: number }>();
  const expiry = () => new Date(now().getTime() + opts.retentionSec * 1000);

  // At /introspect the resource server may add what it observed of the presenter
  // (`ip`, `http.ua`, `http.lang`, raw): the address is truncated like the issuer's own.
  function hashesOf(presented: unknown, observed: Observed | undefined): Hashes {
    const parsed = parseFingerprint(presented);
    if (parsed.ip !== undefined) parsed.ip = networkOf(parsed.ip) ?? parsed.ip;
    return hashComponents(opts.key, { ...parsed, ...observedComponents(observed ?? {}) }, opts.active);
  }

  // At sign-in the browser cannot speak for the server: its server-source names are dropped.
  const serverNames = new Set(opts.active.filter((c) => c.source === 'server').map((c) => c.name));
  const browserPart = (c: Record<string, string>) => Object.fromEntries(Object.entries(c).filter(([n]) => !serverNames.has(n)));

  function tell(o: Omit<FingerprintOutcome, 'at'>): void {
    try { opts.onOutcome?.({ ...o, at: now() }); } catch { /* a listener never breaks verification */ }
  }

  async function compare(input: VerifyInput, fpp: string, presented: Hashes): Promise<Outcome> {
    const key = `${fpp}:${stableDigest(presented, opts.active)}:${JSON.stringify(presented)}`;
    const hit = cache.get(key);
    if (hit && hit.until > now().getTime()) return hit.outcome;
    const profile = await opts.store.find(fpp);
    if (!profile || profile.userId !== input.claims.sub) return 'mismatch';
    // server-observed components the caller did not pass are not held against it
    const considered = opts.active.filter((c) => c.source === 'browser' || presented[c.name] !== undefined);
    const stored = Object.fromEntries(Object.entries(profile.components).filter(([n]) => considered.some((c) => c.name === n)));
    const result = compareFingerprints(stored, presented, considered, opts.thresholds);
    const change = { profileId: profile.id, outcome: result.outcome, score: result.score, changed: result.changed, clientId: input.clientId };
    if (result.outcome !== 'mismatch' && result.changed.length) {
      // accepted (a match below the exact tier, or a drift): the profile learns it
      const learned = { ...profile.components, ...presented };
      await opts.store.learn(profile.id, learned, stableDigest(learned, opts.active), expiry(), change);
    } else if (result.changed.length) {
      await opts.store.record(change);
    }
    tell({ subject: input.claims.sub, session: profile.sessionUid ?? undefined, clientId: input.clientId, outcome: result.outcome, score: result.score, ip: input.observed?.ip });
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { outcome: result.outcome, until: now().getTime() + (opts.cacheMs ?? 60_000) });
    return result.outcome;
  }

  return {
    active: opts.active,
    /** Stores the profile of a sign-in; returns its id. Throws InvalidFingerprint on bad input. */
    async login(input: { userId: string; interactionId: string; presented: unknown; observed: Observed; clientId?: string }): Promise<string> {
      const components = { ...browserPart(parseFingerprint(input.presented)), ...observedComponents(input.observed) };
      const hashes = hashComponents(opts.key, components, opts.active);
      const digest = stableDigest(hashes, opts.active);
      const id = await opts.store.create({ userId: input.userId, interactionId: input.interactionId, components: hashes, digest, coarse: coarseMetadata(components), expiresAt: expiry() });
      tell({ subject: input.userId, clientId: input.clientId, outcome: 'match', score: 1, ip: input.observed.ip });
      return id;
    },
    /** Validates a presented fingerprint without comparing it (throws InvalidFingerprint). */
    check(presented: unknown): void {
      parseFingerprint(presented);
    },
    bind: (interactionId: string, sessionUid: string) => opts.store.bindSession(interactionId, sessionUid),
    async claims(userId: string, sessionUid: string | undefined): Promise<FingerprintClaims | undefined> {
      if (!sessionUid) return undefined;
      const profile = await opts.store.forSession(userId, sessionUid);
      if (!profile) return undefined;
      // in use (a token is issued from it): keep it for another retention period, written at most twice per period
      if (profile.expiresAt.getTime() - now().getTime() < (opts.retentionSec * 1000) / 2) await opts.store.touch(profile.id, expiry());
      return { fpp: profile.id, fpd: profile.digest };
    },
    /**
     * Verifies a presented fingerprint against a token's binding; true when the token
     * stays active. Unbound tokens are not affected. Without a fingerprint: active
     * unless the policy is `required`. Throws InvalidFingerprint on malformed input.
     */
    async verify(input: VerifyInput): Promise<boolean> {
      const { fpp, fpd } = input.claims;
      if (input.presented === undefined) {
        return typeof fpp !== 'string' || input.policy !== 'required';
      }
      const presented = hashesOf(input.presented, input.observed);
      if (typeof fpp !== 'string' || typeof fpd !== 'string') return true;
      const browser = Object.fromEntries(Object.entries(presented).filter(([n]) => browserOnly.some((c) => c.name === n)));
      if (sameDigest(stableDigest(browser, opts.active), fpd)) {
        tell({ subject: input.claims.sub, clientId: input.clientId, outcome: 'match', score: 1, ip: input.observed?.ip });
        return true;
      }
      return (await compare(input, fpp, presented)) !== 'mismatch';
    },
    exportUser: (userId: string) => opts.store.ofUser(userId),
    eraseUser: (userId: string) => opts.store.eraseUser(userId),
  };
}

export type FingerprintService = ReturnType<typeof createFingerprintService>;
