/**
 * The live key state of one issuer process: published signing keys, the current
 * signing key and every audience's derivation master secrets. The database is the
 * source of truth (shared by all processes in cluster mode); this view reloads on a
 * timer, on an unknown kid or master version, and when told to (a Redis notice).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Database } from '../storage/index.js';
import { decryptSecret } from './kek.js';
import { importSigningKey } from './signing-key.js';
import { ensureKeys } from './rotate.js';

export interface SigningKeyView { kid: string; alg: string; key: KeyObject | CryptoKey; privateJwk: JWK }
interface PublishedKey { alg: string; state: string; publicJwk: JWK; key: KeyObject }
export interface MasterView { version: number; secret: Uint8Array }

export interface KeyStore {
  /** The key that signs new tokens. */
  signingKey(): SigningKeyView;
  /** A published key by kid (reloads once, bounded, when the kid is unknown). */
  verificationKey(kid: string, alg: string): Promise<KeyObject | undefined>;
  /** True while a kid is published (next, current or previous). */
  isPublished(kid: string): boolean;
  /** Public JWKS: next, current and previous keys. */
  jwks(): { keys: JWK[] };
  /** Newest master secret of an audience (reloads once when unknown). */
  currentMaster(aud: string): Promise<MasterView | undefined>;
  /** A given master version of an audience. */
  master(aud: string, version: number): Promise<Uint8Array | undefined>;
  reload(): Promise<void>;
  onChange(listener: () => void): void;
  close(): void;
}

interface Options {
  db: Database;
  kek: Uint8Array;
  signingAlg: string;
  reloadIntervalSec: number;
}

const MIN_RELOAD_GAP_MS = 1000;

/** Loads key state (creating the first keys if the database has none). */
export async function createKeyStore(opts: Options): Promise<KeyStore> {
  await ensureKeys({ db: opts.db, kek: opts.kek, alg: opts.signingAlg });
  let state = await readState(opts);
  let lastReload = Date.now();
  let pending: Promise<void> | undefined;
  const listeners: Array<() => void> = [];

  async function reload(): Promise<void> {
    pending ??= (async () => {
      const next = await readState(opts);
      const changed = next.fingerprint !== state.fingerprint;
      state = next;
      lastReload = Date.now();
      if (changed) for (const l of listeners) l();
    })().finally(() => { pending = undefined; });
    return pending;
  }
  async function reloadIfAllowed(): Promise<void> {
    if (Date.now() - lastReload >= MIN_RELOAD_GAP_MS) await reload();
  }
  const timer = setInterval(() => { reload().catch(() => undefined); }, opts.reloadIntervalSec * 1000);
  timer.unref();

  return {
    signingKey: () => state.current,
    async verificationKey(kid, alg) {
      let found = state.published.get(kid);
      if (!found) { await reloadIfAllowed(); found = state.published.get(kid); }
      return found && found.alg === alg ? found.key : undefined;
    },
    isPublished: (kid) => state.published.has(kid),
    jwks: () => ({ keys: [...state.published.values()].map((k) => k.publicJwk) }),
    async currentMaster(aud) {
      if (!state.masters.has(aud)) await reload(); // a resource server added since the last reload
      return latest(state.masters.get(aud));
    },
    async master(aud, version) {
      const found = state.masters.get(aud)?.get(version);
      if (found || version <= (latest(state.masters.get(aud))?.version ?? -1)) return found; // known, or retired
      await reloadIfAllowed(); // a version newer than ours: another process rotated
      return state.masters.get(aud)?.get(version);
    },
    reload,
    onChange: (l) => { listeners.push(l); },
    close: () => clearInterval(timer),
  };
}

function latest(versions: Map<number, Uint8Array> | undefined): MasterView | undefined {
  if (!versions?.size) return undefined;
  const version = Math.max(...versions.keys());
  return { version, secret: versions.get(version)! };
}

async function readState(opts: Options) {
  const rows = await opts.db.prisma.signingKey.findMany({ orderBy: { createdAt: 'asc' } });
  const published = new Map<string, PublishedKey>();
  let current: SigningKeyView | undefined;
  for (const row of rows) {
    const publicJwk = row.publicJwk as JWK;
    published.set(row.kid, { alg: row.alg, state: row.state, publicJwk, key: createPublicKey({ key: publicJwk as never, format: 'jwk' }) });
    if (row.state === 'current') {
      const privateJwk = JSON.parse(Buffer.from(decryptSecret(opts.kek, row.privateJwk, `signing-key:${row.kid}`)).toString('utf8')) as JWK;
      current = { kid: row.kid, alg: row.alg, key: await importSigningKey(privateJwk, row.alg), privateJwk };
    }
  }
  if (!current) throw new Error('no current signing key in the database');
  const masters = new Map<string, Map<number, Uint8Array>>();
  const masterRows = await opts.db.prisma.masterSecret.findMany();
  for (const m of masterRows) {
    if (!masters.has(m.audience)) masters.set(m.audience, new Map());
    masters.get(m.audience)!.set(m.version, decryptSecret(opts.kek, m.secret, masterAad(m.audience, m.version)));
  }
  const fingerprint = rows.map((r) => `${r.kid}:${r.state}`).join(',') + '|' + masterRows.map((m) => `${m.audience}:${m.version}`).join(',');
  return { published, current, masters, fingerprint };
}

/** AAD binding a master secret ciphertext to its row. */
export function masterAad(audience: string, version: number): string {
  return `master:${audience}:${version}`;
}
