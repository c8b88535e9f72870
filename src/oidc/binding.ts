/**
 * Sender-constrained tokens in oidc-provider's terms: the `features.dPoP` and
 * `features.mTLS` configuration, and the check /introspect runs when the caller passes
 * the proof the presenter showed it (RFC 9449 §7.1, RFC 8705 §3). The checks themselves
 * live in src/binding, shared with the resource-server SDK.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config/index.js';
import { certificateSubjectMatches, verifyDpopProof, withReplayHook, BindingError, type CertificateSource, type ReplayCache } from '../binding/index.js';
import { AUTH_METHODS } from '../registry/index.js';
import type { TokenRequestState } from './request-state.js';

export interface BindingDeps {
  /** 32 bytes shared by every issuer process (deployment secret 'dpop-nonce') */
  nonceSecret: Uint8Array;
  dpopNonce: Config['dpopNonce'];
  certificates: CertificateSource;
  /** how long a presented DPoP proof's iat may be from now at /introspect */
  proofMaxAge: number;
  /** proofs presented at /introspect, seen by every issuer process */
  presentedProofs: ReplayCache;
  warn(fields: object, msg: string): void;
  /** a presented DPoP proof was replayed at /introspect (the caller's client id and address) */
  onDpopReplay?(clientId: string | undefined, ip: string | undefined): void;
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

function field(form: TokenRequestState['form'], name: string): string | undefined {
  const value = form?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Whether the presenter's proof, when the caller passes one, binds it to the token.
 * Form fields next to `token`:
 *   - `dpop_proof`, `htm`, `htu`: the DPoP proof the resource server received, and the
 *     method and URL of that request (RFC 9449 §4.3 checks, `ath`, `cnf.jkt`; replay is
 *     tracked across processes);
 *   - `client_cert_thumbprint`: base64url SHA-256 of the presenter's certificate
 *     (RFC 8705 §3), compared with `cnf["x5t#S256"]`.
 * A proof that does not hold is logged (its code, never the proof) and answers false.
 */
export async function presentedBindingHolds(ctx: Ctx, token: Token, deps: BindingDeps): Promise<boolean> {
  try {
    await checkPresented(ctx, token, deps);
    return true;
  } catch (err) {
    if (!(err instanceof BindingError)) throw err;
    deps.warn({ code: err.code }, 'introspection: presented proof does not match the token');
    return false;
  }
}

async function checkPresented(ctx: Ctx, token: Token, deps: BindingDeps): Promise<void> {
  const form = (ctx.state as TokenRequestState).form;
  const proof = field(form, 'dpop_proof');
  const thumbprint = field(form, 'client_cert_thumbprint');
  if (thumbprint !== undefined && token['x5t#S256'] !== thumbprint) throw new BindingError('ERR_MTLS_THUMBPRINT');
  if (proof === undefined) return;
  const [htm, htu] = [field(form, 'htm'), field(form, 'htu')];
  if (!token.jkt || !htm || !htu) throw new BindingError(token.jkt ? 'ERR_DPOP_MALFORMED' : 'ERR_DPOP_UNEXPECTED');
  const replay = withReplayHook(deps.presentedProofs, () => deps.onDpopReplay?.(ctx.oidc.client?.clientId, (ctx.state as TokenRequestState).clientIp));
  await verifyDpopProof(proof, { htm, htu, jkt: token.jkt, accessToken: field(form, 'token'), maxAge: deps.proofMaxAge, replay });
}
