import { artefactId, BEARER_MODELS } from './artefact-id.js';
import type { Prisma, PrismaClient } from './prisma-client/client.js';

/** What oidc-provider stores through its adapter; opaque to us beyond a few index fields. */
export type OidcAdapterPayload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: number;
};

/** The adapter interface oidc-provider calls (one instance per model name). */
export interface OidcAdapter {
  upsert(id: string, payload: OidcAdapterPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<OidcAdapterPayload | undefined>;
  findByUserCode(userCode: string): Promise<OidcAdapterPayload | undefined>;
  findByUid(uid: string): Promise<OidcAdapterPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** Constructor oidc-provider's `adapter` configuration option expects. */
export type OidcAdapterClass = new (name: string) => OidcAdapter;

/** Options for {@link createOidcAdapter}. */
export interface OidcAdapterOptions {
  /** Clock for expiry and consumption (default: Date.now). */
  now?: () => number;
  /**
   * Key of the keyed hash under which bearer artefacts (BEARER_MODELS) are stored.
   * Required for those models: without it they refuse to store or find anything.
   */
  idKey?: Uint8Array;
}

/** Models whose rows belong to a grant and die with it (revokeByGrantId). */
const GRANT_BOUND = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode'];

type Row = { payload: Prisma.JsonValue; consumedAt: Date | null };

/**
 * PostgreSQL text cannot hold NUL, so a key containing one matches no row; asking
 * anyway fails the query (22021) and would turn hostile input into a server error.
 */
function matchable(key: unknown): key is string {
  return typeof key === 'string' && !key.includes('\u0000');
}

/**
 * Returns an oidc-provider adapter class over Prisma. Rows live in OidcPayload keyed
 * by (model name, id); model 'Client' reads and writes the Client table instead, where
 * the admin CLI registers clients. Expired rows are never returned.
 */
export function createOidcAdapter(prisma: PrismaClient, opts: OidcAdapterOptions = {}): OidcAdapterClass {
  const now = opts.now ?? Date.now;
  // oidc-provider calls `new Adapter(name)`; returning an object from the constructor
  // picks the implementation per model name.
  return class {
    constructor(name: string) {
      if (name === 'Client') return new ClientAdapter(prisma);
      return new PayloadAdapter(prisma, name, now, storedIdOf(name, opts.idKey));
    }
  } as OidcAdapterClass;
}

/** How a model's presented id becomes its stored id (undefined: the value can't be stored). */
type StoredId = (id: string) => string | undefined;

function storedIdOf(model: string, key: Uint8Array | undefined): StoredId {
  if (!BEARER_MODELS.has(model)) return (id) => id;
  return (id) => (key && typeof id === 'string' ? artefactId(key, model, id) : undefined);
}

/** Rows of one oidc-provider model in the OidcPayload table. */
class PayloadAdapter implements OidcAdapter {
  private readonly hashed: boolean;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly name: string,
    private readonly now: () => number,
    private readonly storedId: StoredId,
  ) {
    this.hashed = BEARER_MODELS.has(name);
  }

  async upsert(id: string, payload: OidcAdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.storedId(id);
    if (key === undefined) throw new TypeError(`${this.name} needs the artefact key to be stored`);
    const expiresAt = typeof expiresIn === 'number' ? new Date(this.now() + expiresIn * 1000) : null;
    // the value (oidc-provider's `jti`) is the credential: it goes back in on find, from the presented id
    const { jti: _value, ...kept } = payload;
    const fields = { payload: (this.hashed ? kept : payload) as Prisma.InputJsonObject, expiresAt,
      grantId: payload.grantId ?? null, userCode: payload.userCode ?? null, uid: payload.uid ?? null };
    await this.prisma.oidcPayload.upsert({
      where: { model_id: { model: this.name, id: key } },
      create: { model: this.name, id: key, ...fields },
      update: fields,
    });
  }

  async find(id: string) {
    const key = this.storedId(id);
    if (key === undefined) return undefined;
    const found = await this.findLive({ id: key });
    return found && this.hashed ? { ...found, jti: id } : found;
  }

  findByUserCode(userCode: string) {
    // a hashed row cannot give its value back (the device flow, which would ask, is off)
    return this.hashed ? Promise.resolve(undefined) : this.findLive({ userCode });
  }

  findByUid(uid: string) {
    return this.findLive({ uid });
  }

  async consume(id: string): Promise<void> {
    const key = this.storedId(id);
    if (!matchable(key)) return;
    await this.prisma.oidcPayload.updateMany({
      where: { model: this.name, id: key }, data: { consumedAt: new Date(this.now()) } });
  }

  async destroy(id: string): Promise<void> {
    const key = this.storedId(id);
    if (!matchable(key)) return;
    await this.prisma.oidcPayload.deleteMany({ where: { model: this.name, id: key } });
  }

  /** Like oidc-provider's memory adapter: everything issued under the grant goes. */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.prisma.oidcPayload.deleteMany({ where: { grantId, model: { in: [this.name, ...GRANT_BOUND] } } });
  }

  private async findLive(where: { id?: string; userCode?: string; uid?: string }): Promise<OidcAdapterPayload | undefined> {
    if (!Object.values(where).every(matchable)) return undefined;
    const notExpired = { OR: [{ expiresAt: null }, { expiresAt: { gt: new Date(this.now()) } }] };
    return toPayload(await this.prisma.oidcPayload.findFirst({ where: { model: this.name, ...where, ...notExpired } }));
  }
}

function toPayload(row: Row | null): OidcAdapterPayload | undefined {
  if (!row) return undefined;
  const payload = row.payload as OidcAdapterPayload;
  return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
}

/** Clients live in their own table, registered by the admin CLI; metadata is the payload. */
class ClientAdapter implements OidcAdapter {
  constructor(private readonly prisma: PrismaClient) {}

  async upsert(id: string, payload: OidcAdapterPayload): Promise<void> {
    const metadata = payload as Prisma.InputJsonObject;
    await this.prisma.client.upsert({ where: { id }, create: { id, metadata }, update: { metadata } });
  }

  async find(id: string) {
    if (!matchable(id)) return undefined;
    const row = await this.prisma.client.findUnique({ where: { id } });
    return row ? (row.metadata as OidcAdapterPayload) : undefined;
  }

  async destroy(id: string): Promise<void> {
    await this.prisma.client.deleteMany({ where: { id } });
  }

  async findByUserCode() { return undefined; }
  async findByUid() { return undefined; }
  async consume() {}
  async revokeByGrantId() {}
}
