/**
 * oidc-provider seam for sender-constrained tokens (a documented neighbour of
 * provider.ts and oidc-bridge.ts): the `features.dPoP` and `features.mTLS`
 * configuration, and the RFC 9449 / RFC 8705 check /introspect runs when the
 * caller passes the presenter's proof. The checks themselves live in src/binding.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config/index.js';
import { certificateSubjectMatches, verifyDpopProof, withReplayHook, BindingError, type CertificateSource, type ReplayCache } from '../binding/index.js';
import { AUTH_METHODS } from '../registry/index.js';
import { SHIELD } from './oidc-bridge.js';

export interface BindingDeps {
  /** 32 bytes shared by every issuer process (deploymentSecret 'dpop-nonce') */
  nonceSecret: Uint8Array;
  dpopNonce: Config['dpopNonce'];
  certificates: CertificateSource;
  /** how long a DPoP proof's iat may be from now at /introspect (the clock tolerance) */
  proofMaxAge: number;
  warn(fields: object, msg: string): void;
  /** issue 7: a presented DPoP proof was replayed at /introspect (caller's client id) */
  onDpopReplay?(clientId: string | undefined): void;
}

/**
 * Client authentication methods the issuer accepts and advertises: exactly those a client
 * can be registered with (registry AUTH_METHODS, RFC 8705 §2's TLS ones included) plus `none`
 * for public clients. client_secret_jwt is left out because secrets are stored hashed (no
 * HMAC key to verify with), private_key_jwt because no client key set can be registered.
 */
export const CLIENT_AUTH_METHODS: string[] = [...AUTH_METHODS, 'none'];

type Ctx = KoaContextWithOIDC;
type Token = { jkt?: string; 'x5t#S256'?: string };

function requireNonce(policy: Config['dpopNonce']) {
  return (ctx: Ctx): boolean => policy === 'always' || (policy === 'public' && ctx.oidc.client?.clientAuthMethod === 'none');
}

/** `features.dPoP` and `features.mTLS`. */
export function bindingFeatures(deps: BindingDeps) {
  const cert = (ctx: Ctx) => deps.certificates.certificate(ctx.req);
  return {
    dPoP: { enabled: true, nonceSecret: Buffer.from(deps.nonceSecret), requireNonce: requireNonce(deps.dpopNonce) },
    mTLS: {
      enabled: true,
      certificateBoundAccessTokens: true,
      tlsClientAuth: true,
      selfSignedTlsClientAuth: true,
      getCertificate: (ctx: Ctx) => cert(ctx)?.cert,
      certificateAuthorized: (ctx: Ctx) => cert(ctx)?.authorized === true,
      certificateSubjectMatches: (ctx: Ctx, property: string, expected: string) => {
        const found = cert(ctx);
        return found !== undefined && certificateSubjectMatches(found.cert, property, expected);
      },
    },
  };
}

/**
 * Wraps introspection's allowedPolicy: when the caller passes the presenter's proof,
 * the token must be bound to it, else the answer is `{active: false}`.
 * Parameters (form fields next to `token`):
 *   - `dpop_proof`, `htm`, `htu`: the DPoP proof the resource server received, and
 *     the method and URL of that request (RFC 9449 §7.1 checks, `ath`, `cnf.jkt`;
 *     replay is tracked in the shared ReplayDetection store);
 *   - `client_cert_thumbprint`: base64url SHA-256 of the presenter's certificate
 *     (RFC 8705 §3), compared with `cnf["x5t#S256"]`.
 */
export function withBindingCheck<C, T extends object>(policy: (ctx: Ctx, client: C, token: T) => Promise<boolean>, deps: BindingDeps) {
  return async (ctx: Ctx, client: C, token: T): Promise<boolean> => {
    if (!await policy(ctx, client, token)) return false;
    try {
      return await presentedBindingHolds(ctx, token as Token, deps);
    } catch (err) {
      if (!(err instanceof BindingError)) throw err;
      deps.warn({ code: err.code }, 'introspection: presented proof does not match the token');
      return false;
    }
  };
}

function field(body: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = body?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

async function presentedBindingHolds(ctx: Ctx, token: Token, deps: BindingDeps): Promise<boolean> {
  const body = (ctx.oidc as unknown as { body?: Record<string, unknown> }).body;
  const proof = field(body, 'dpop_proof');
  const thumbprint = field(body, 'client_cert_thumbprint');
  if (thumbprint !== undefined && token['x5t#S256'] !== thumbprint) throw new BindingError('ERR_MTLS_THUMBPRINT');
  if (proof === undefined) return true;
  const [htm, htu] = [field(body, 'htm'), field(body, 'htu')];
  if (!token.jkt || !htm || !htu) throw new BindingError(token.jkt ? 'ERR_DPOP_MALFORMED' : 'ERR_DPOP_UNEXPECTED');
  const raw = String(ctx.oidc.params?.token ?? '');
  const replayStore = (ctx.oidc.provider as unknown as { ReplayDetection: { unique(iss: string, jti: string, exp: number): Promise<boolean> } }).ReplayDetection;
  const shared: ReplayCache = { firstUse: (key, exp) => replayStore.unique('introspection', key, exp) };
  const replay = withReplayHook(shared, () => deps.onDpopReplay?.(ctx.oidc.client?.clientId));
  await verifyDpopProof(proof, {
    htm, htu, jkt: token.jkt, accessToken: raw.startsWith(SHIELD) ? raw.slice(SHIELD.length) : raw, maxAge: deps.proofMaxAge, replay,
  });
  return true;
}
