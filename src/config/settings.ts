/**
 * Every setting Portcullis reads, with its default and description. This list is the
 * single source for validation (load.ts) and for the README's configuration table
 * (`npm run admin -- config table`).
 */
import { z } from 'zod';
import { isIP } from 'node:net';
import { parseDuration } from './duration.js';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.string().transform((v, ctx) => {
  const n = parseDuration(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 900, 15m, 12h or 30d' });
    return z.NEVER;
  }
  return n;
});
const positiveInt = z.coerce.number().int().positive();
/** An IPv4/IPv6 address, optionally with a /prefix length (TRUSTED_PROXIES). */
function isCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

export interface Setting {
  env: string;
  default?: string;
  description: string;
  schema: z.ZodType;
}

export const settings = [
  { env: 'PORT', default: '3000', description: 'HTTP port to listen on.', schema: port },
  { env: 'HOST', default: '127.0.0.1', description: 'Address to listen on (use 0.0.0.0 or :: to accept remote connections).', schema: z.string().min(1) },
  { env: 'ISSUER', default: 'http://localhost:$PORT', description: 'Issuer identifier (`iss`) and base URL in metadata. No query, no fragment.', schema: z.url({ protocol: /^https?$/ }).refine((u) => !u.includes('?') && !u.includes('#'), 'must not contain a query or fragment') },
  { env: 'DATABASE_URL', description: 'PostgreSQL URL. Unset: embedded mode (PGlite under DATA_DIR). Set: cluster mode.', schema: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional() },
  { env: 'DATABASE_SCHEMA', default: 'public', description: 'PostgreSQL schema holding Portcullis tables.', schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier') },
  { env: 'REDIS_URL', description: 'Redis URL (cluster mode): key and cache change notifications between processes.', schema: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional() },
  { env: 'DATA_DIR', default: './data', description: 'Embedded mode: where the local database lives (gitignored).', schema: z.string().min(1) },
  { env: 'KEYS_DIR', default: './keys', description: 'Embedded mode: where a generated key-encryption key is kept (file `kek`, mode 0600).', schema: z.string().min(1) },
  { env: 'PORTCULLIS_KEK', description: 'Key-encryption key (32 bytes, base64url or hex). Required in cluster mode; embedded mode generates one into KEYS_DIR.', schema: z.string().trim().regex(/^(?:[A-Za-z0-9_-]{43}|[0-9a-fA-F]{64})$/, 'must be 32 bytes as base64url (43 characters) or hex (64 characters)').optional() },
  { env: 'LOG_LEVEL', default: 'info', description: 'pino log level (fatal, error, warn, info, debug, trace, silent).', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) },
  { env: 'SIGNING_ALG', default: 'ES256', description: 'Algorithm of new signing keys: ES256, EdDSA or PS256.', schema: z.enum(['ES256', 'EdDSA', 'PS256']) },
  { env: 'ACCESS_TOKEN_TTL', default: '15m', description: 'Default access token lifetime (a resource server may set its own).', schema: seconds },
  { env: 'CLOCK_TOLERANCE', default: '30s', description: 'Leeway when checking exp/iat.', schema: seconds },
  { env: 'SIGNING_KEY_ROTATION', default: '30d', description: 'Signing key age after which `keys rotate --if-due` rotates it (run it from cron or a scheduler).', schema: seconds },
  { env: 'MASTER_SECRET_ROTATION', default: '1d', description: 'Age after which an audience\'s derivation master secret is ratcheted by `keys rotate`.', schema: seconds },
  { env: 'KEY_RELOAD_INTERVAL', default: '5s', description: 'How often each process re-reads key state (also reloaded at once on an unknown kid or a Redis notification).', schema: seconds },
  { env: 'MAX_TOKEN_LENGTH', default: '8192', description: 'Longest token accepted anywhere; longer input is refused before any crypto.', schema: positiveInt },
  { env: 'OPEN_CACHE_SIZE', default: '50000', description: 'Verified-token cache entries (signature and decryption results; revocation is still checked every time).', schema: positiveInt },
  { env: 'SUBJECT_CACHE_TTL', default: '1s', description: 'How long issuance may reuse a subject\'s key generation (introspection always reads it fresh).', schema: seconds },
  // --- sender-constrained tokens (issue 5: DPoP, mTLS) ---
  { env: 'DPOP_NONCE', default: 'public', description: 'When /token requires a server-issued DPoP nonce (RFC 9449 §8): `public` (public clients only), `always` or `never`.', schema: z.enum(['public', 'always', 'never']) },
  { env: 'TLS_CERT_FILE', description: 'PEM certificate (chain) file: when set with TLS_KEY_FILE, the issuer serves HTTPS itself (and ISSUER defaults to https://localhost:$PORT).', schema: z.string().min(1).optional() },
  { env: 'TLS_KEY_FILE', description: 'PEM private key file of TLS_CERT_FILE.', schema: z.string().min(1).optional() },
  { env: 'TLS_CLIENT_CA_FILE', description: 'PEM CA certificate(s) for client certificates (RFC 8705 `tls_client_auth`). With HTTPS on, client certificates are requested (optional); self-signed ones are accepted only for `self_signed_tls_client_auth`.', schema: z.string().min(1).optional() },
  { env: 'MTLS_CERT_HEADER', description: 'Behind a TLS-terminating proxy: header carrying the client certificate as URL-encoded PEM (e.g. `x-ssl-client-cert`). Believed only from TRUSTED_PROXIES.', schema: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name').transform((v) => v.toLowerCase()).optional() },
  { env: 'TRUSTED_PROXIES', description: 'Comma-separated addresses or CIDR blocks of proxies allowed to set MTLS_CERT_HEADER; the header from any other address is ignored and logged.', schema: z.string().transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean)).refine((list) => list.every(isCidr), 'must be IP addresses or CIDR blocks separated by commas').optional() },
  // --- jobs and security events (src/jobs, src/events) ---
  { env: 'JOB_QUEUE_PREFIX', default: 'portcullis', description: 'Cluster mode: Redis key prefix of the BullMQ queues (one per deployment sharing a Redis).', schema: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 : _ -') },
  { env: 'JOB_ROTATION_CHECK', default: '1h', description: 'How often the key rotation job runs `keys rotate --if-due` (the periods are SIGNING_KEY_ROTATION and MASTER_SECRET_ROTATION).', schema: seconds },
  { env: 'JOB_PURGE_INTERVAL', default: '1h', description: 'How often expired rows (oidc-provider records, revocations, finished security events) are purged.', schema: seconds },
  { env: 'JOB_REVALIDATE_INTERVAL', default: '30s', description: 'How often continuous revalidation re-evaluates subjects and clients and emits the changes as security events.', schema: seconds },
  { env: 'EVENT_PUSH_GIVE_UP', default: '3d', description: 'How long push delivery (RFC 8935) of one security event keeps retrying a receiver that is down before recording a failure.', schema: seconds },
  { env: 'EVENT_PUSH_MAX_BACKOFF', default: '5m', description: 'Longest wait between two push attempts (the wait doubles from 250 ms up to this).', schema: seconds },
  { env: 'EVENT_RETENTION', default: '7d', description: 'How long delivered, failed or unacknowledged security events are kept before the purge job deletes them.', schema: seconds },
] as const satisfies readonly Setting[];
