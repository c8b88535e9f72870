/**
 * Every setting Portcullis reads, with its default and description. This list is the
 * single source for validation (load.ts) and for the README's configuration table
 * (`npm run admin -- config table`).
 */
import { z } from 'zod';
import { isIP } from 'node:net';
import { parseDuration, parseMillis } from './duration.js';
import { parseRates } from './rates.js';
import { parseTrustedProxies } from './trusted-proxies.js';
import { COMPONENT_NAMES } from '../fingerprint/index.js';
import { accentProblem } from './brand.js';
import { DEFAULT_RISK_SCORES, DEFAULT_RISK_THRESHOLDS, parseScores, parseThresholds } from './risk.js';

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
const deadline = z.string().transform((v, ctx) => {
  const n = parseMillis(v);
  if (n === undefined || n < 10 || n > 600_000) {
    ctx.addIssue({ code: 'custom', message: 'expected a deadline between 10ms and 10m, such as 500ms, 5s or 1m' });
    return z.NEVER;
  }
  return n;
});
const hostList = z.string().transform((v, ctx) => {
  const hosts = v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const bad = hosts.find((h) => !/^(?:[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*\.?|\[?[0-9a-f:.]+\]?)$/.test(h));
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `expected comma-separated host names or IP addresses (no scheme, port or path): ${bad}` });
    return z.NEVER;
  }
  return hosts.map((h) => h.replace(/^\[|\]$/g, ''));
});
const clientIds = z.string().transform((v, ctx) => {
  const ids = v.split(',').map((id) => id.trim()).filter(Boolean);
  const bad = ids.find((id) => !/^[A-Za-z0-9._~-]{1,128}$/.test(id));
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `expected comma-separated client ids: ${bad}` });
    return z.NEVER;
  }
  return ids;
});
const durationOrOff = z.string().transform((v, ctx) => {
  if (v.trim() === 'off') return undefined;
  const n = parseDuration(v);
  if (n === undefined || n === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected off or a duration such as 365d' });
    return z.NEVER;
  }
  return n;
});
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const rates = z.string().transform((v, ctx) => {
  const parsed = parseRates(v);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected key=points/duration items (keys ip, client, subject), e.g. ip=600/1m,client=300/1m, or off' });
    return z.NEVER;
  }
  return parsed;
});
const trustedProxies = z.string().transform((v, ctx) => {
  const parsed = parseTrustedProxies(v);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected comma-separated IP addresses or CIDR blocks, e.g. 10.0.0.1,10.1.0.0/16' });
    return z.NEVER;
  }
  return parsed;
});

const fraction = z.coerce.number().min(0).max(1);
const components = z.string().transform((v, ctx) => {
  if (v.trim() === 'all') return 'all' as const;
  const names = v.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.find((n) => !COMPONENT_NAMES.includes(n));
  if (unknown || !names.length) {
    ctx.addIssue({ code: 'custom', message: `expected all or a comma-separated list of components (${unknown ? `unknown: ${unknown}` : 'empty'}); see docs/fingerprint.md` });
    return z.NEVER;
  }
  return names;
});
const cidrs = trustedProxies;
const httpUrl = z.url({ protocol: /^https?$/ });
const scores = z.string().transform((v, ctx) => {
  const parsed = parseScores(v);
  if (!parsed) { ctx.addIssue({ code: 'custom', message: 'expected signal=score items (0-1000) naming known signals, e.g. impossible_travel=60' }); return z.NEVER; }
  return parsed;
});
const thresholds = z.string().transform((v, ctx) => {
  const parsed = parseThresholds(v);
  if (!parsed) { ctx.addIssue({ code: 'custom', message: 'expected record=N,step_up=N,lockout=N,revoke_session=N, ascending, record at least 1' }); return z.NEVER; }
  return parsed;
});

export interface Setting {
  env: string;
  default?: string;
  description: string;
  schema: z.ZodType;
}

export const settings = [
  { env: 'PORT', default: '3000', description: 'HTTP port to listen on.', schema: port },
  { env: 'HOST', default: '127.0.0.1', description: 'Address to listen on (use 0.0.0.0 or :: to accept remote connections).', schema: z.string().min(1) },
  { env: 'ISSUER', default: 'http://localhost:$PORT', description: 'Issuer identifier (`iss`), and the origin of every URL published (discovery, endpoints, JWKS) or checked (DPoP `htu`); the request\'s Host and X-Forwarded-Host never shape them. No query, no fragment.', schema: z.url({ protocol: /^https?$/ }).refine((u) => !u.includes('?') && !u.includes('#'), 'must not contain a query or fragment') },
  { env: 'DATABASE_URL', description: 'PostgreSQL URL. Unset: embedded mode (PGlite under DATA_DIR). Set: cluster mode.', schema: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional() },
  { env: 'DATABASE_SCHEMA', default: 'public', description: 'PostgreSQL schema holding Portcullis tables.', schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier') },
  { env: 'DATABASE_QUERY_TIMEOUT', default: '5s', description: 'Deadline of one database query (client side, and statement_timeout on the server). A request whose query misses it answers 503 temporarily_unavailable with Retry-After; migrations have their own (30m).', schema: deadline },
  { env: 'DATABASE_CONNECT_TIMEOUT', default: '2s', description: 'Deadline of one database connection attempt, and of the wait for a free pool connection.', schema: deadline },
  { env: 'REDIS_URL', description: 'Redis URL (cluster mode): key and cache change notifications between processes, throttling budgets and the risk engine\'s short-term memory shared by all processes.', schema: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional() },
  { env: 'REDIS_COMMAND_TIMEOUT', default: '250ms', description: 'Deadline of one Redis command. A Redis that does not answer in time counts as gone: throttling falls back to the per-process limiter, the risk engine to its per-process memory, a job that could not be queued is picked up by the next sweep, requests are not held.', schema: deadline },
  { env: 'REDIS_CONNECT_TIMEOUT', default: '2s', description: 'Deadline of one Redis connection attempt (reconnects follow at most every 500 ms).', schema: deadline },
  { env: 'WEB_CONCURRENCY', default: '1', description: 'Issuer processes on this machine: a number, or `auto` for one per core (`npm run start:cluster` sets `auto`). Above 1, a supervisor (node:cluster) runs them on one port, replaces a crashed one, and replaces them one by one on SIGHUP. Cluster mode only: an embedded issuer owns its data directory and is one process.', schema: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(1024)]) },
  { env: 'SHUTDOWN_GRACE', default: '10s', description: 'On SIGTERM (or a SIGHUP reload), how long an issuer process stops accepting connections and lets requests in flight finish before it closes what is left.', schema: deadline },
  { env: 'DATA_DIR', default: './data', description: 'Embedded mode: where the local database lives (gitignored).', schema: z.string().min(1) },
  { env: 'KEYS_DIR', default: './keys', description: 'Embedded mode: where a generated key-encryption key is kept (file `kek`, mode 0600).', schema: z.string().min(1) },
  { env: 'PORTCULLIS_KEK', description: 'Key-encryption key (32 bytes, base64url or hex). Required in cluster mode; embedded mode generates one into KEYS_DIR.', schema: z.string().trim().regex(/^(?:[A-Za-z0-9_-]{43}|[0-9a-fA-F]{64})$/, 'must be 32 bytes as base64url (43 characters) or hex (64 characters)').optional() },
  { env: 'METRICS_TOKEN', description: 'Bearer token /metrics requires (at least 16 characters; compared in constant time). Unset: /metrics is open, so expose it to your scraper only.', schema: z.string().min(16, 'must be at least 16 characters').optional() },
  { env: 'LOG_LEVEL', default: 'info', description: 'pino log level (fatal, error, warn, info, debug, trace, silent).', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) },
  { env: 'SIGNING_ALG', default: 'ES256', description: 'Algorithm of new signing keys: ES256, EdDSA or PS256.', schema: z.enum(['ES256', 'EdDSA', 'PS256']) },
  { env: 'ACCESS_TOKEN_TTL', default: '15m', description: 'Default access token lifetime (a resource server may set its own).', schema: seconds },
  { env: 'SESSION_TTL', default: '14d', description: 'Lifetime of a sign-in session, its grants and refresh tokens (oidc-provider Session, Grant, RefreshToken); their rows are deleted once expired (docs/privacy.md).', schema: seconds },
  { env: 'BRAND_NAME', default: 'Portcullis', description: 'Product name on every page people see (sign-in, consent, lockout, sign-out, account, password reset, /privacy).', schema: z.string().trim().min(1).max(60).regex(/^[^\u0000-\u001f\u007f<>]+$/, 'must be printable text without < or >') },
  { env: 'BRAND_LOGO_URL', description: 'Logo shown above every page people see: an https:// URL (the pages\' Content-Security-Policy allows https images). Unset: the name alone.', schema: z.string().regex(/^https:\/\/[^\s"'<>]+$/, 'must be an https:// URL').max(2048).optional() },
  { env: 'BRAND_ACCENT', default: '#1a1a1a', description: 'Accent colour of buttons and links, #rrggbb; refused unless white text on it has at least 4.5:1 contrast (WCAG 2.2 SC 1.4.3).', schema: z.string().trim().superRefine((v, ctx) => { const problem = accentProblem(v); if (problem) ctx.addIssue({ code: 'custom', message: problem }); }) },
  { env: 'CLOCK_TOLERANCE', default: '30s', description: 'Leeway when checking exp/iat.', schema: seconds },
  { env: 'SIGNING_KEY_ROTATION', default: '30d', description: 'Signing key age after which `keys rotate --if-due` rotates it (run it from cron or a scheduler).', schema: seconds },
  { env: 'MASTER_SECRET_ROTATION', default: '1d', description: 'Age after which an audience\'s derivation master secret is ratcheted by `keys rotate`.', schema: seconds },
  { env: 'KEY_RELOAD_INTERVAL', default: '5s', description: 'How often each process re-reads key state (also reloaded at once on an unknown kid or a Redis notification).', schema: seconds },
  { env: 'MAX_TOKEN_LENGTH', default: '8192', description: 'Longest token accepted anywhere; longer input is refused before any crypto.', schema: positiveInt },
  { env: 'OPEN_CACHE_SIZE', default: '50000', description: 'Verified-token cache entries (signature and decryption results; revocation is still checked every time).', schema: positiveInt },
  { env: 'SUBJECT_CACHE_TTL', default: '1s', description: 'How long issuance may reuse a subject\'s key generation (introspection always reads it fresh).', schema: seconds },
  // --- sender-constrained tokens (DPoP, mTLS) ---
  { env: 'DPOP_NONCE', default: 'public', description: 'When /token requires a server-issued DPoP nonce (RFC 9449 §8): `public` (public clients only), `always` or `never`.', schema: z.enum(['public', 'always', 'never']) },
  { env: 'TLS_CERT_FILE', description: 'PEM certificate (chain) file: when set with TLS_KEY_FILE, the issuer serves HTTPS itself (and ISSUER defaults to https://localhost:$PORT).', schema: z.string().min(1).optional() },
  { env: 'TLS_KEY_FILE', description: 'PEM private key file of TLS_CERT_FILE.', schema: z.string().min(1).optional() },
  { env: 'TLS_CLIENT_CA_FILE', description: 'PEM CA certificate(s) for client certificates (RFC 8705 `tls_client_auth`). With HTTPS on, client certificates are requested (optional); self-signed ones are accepted only for `self_signed_tls_client_auth`.', schema: z.string().min(1).optional() },
  { env: 'MTLS_CERT_HEADER', description: 'Behind a TLS-terminating proxy: header carrying the client certificate as URL-encoded PEM (e.g. `x-ssl-client-cert`). Believed only from TRUSTED_PROXIES.', schema: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name').transform((v) => v.toLowerCase()).optional() },
  // --- jobs and security events (src/jobs, src/events) ---
  { env: 'JOB_QUEUE_PREFIX', default: 'portcullis', description: 'Cluster mode: Redis key prefix of the BullMQ queues (one per deployment sharing a Redis).', schema: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 : _ -') },
  { env: 'JOB_ROTATION_CHECK', default: '1h', description: 'How often the key rotation job runs `keys rotate --if-due` (the periods are SIGNING_KEY_ROTATION and MASTER_SECRET_ROTATION).', schema: seconds },
  { env: 'JOB_PURGE_INTERVAL', default: '1h', description: 'How often rows past their retention (every table with personal data, docs/privacy.md) and expired revocations are purged.', schema: seconds },
  { env: 'JOB_REVALIDATE_INTERVAL', default: '30s', description: 'How often continuous revalidation re-evaluates subjects and clients and emits the changes as security events.', schema: seconds },
  { env: 'EVENT_PUSH_GIVE_UP', default: '3d', description: 'How long push delivery (RFC 8935) of one security event keeps retrying a receiver that is down before recording a failure.', schema: seconds },
  { env: 'EVENT_PUSH_MAX_BACKOFF', default: '5m', description: 'Longest wait between two push attempts (the wait doubles from 250 ms up to this).', schema: seconds },
  { env: 'EVENT_RETENTION', default: '7d', description: 'How long delivered, failed or unacknowledged security events are kept before the purge job deletes them.', schema: seconds },
  // ---- Outbound pushes: SET delivery, risk webhooks and alerts, email (src/outbound) ----
  { env: 'OUTBOUND_ALLOWED_HOSTS', description: 'Comma-separated host names or IP addresses that pushes (event stream endpoints, RISK_WEBHOOK_URL, RISK_ALERT_URL) may reach over http and on private or loopback addresses. Any other host must be https on public addresses, checked when a stream is created and again at every connection; redirects are never followed.', schema: hostList },
  { env: 'OUTBOUND_TIMEOUT', default: '5s', description: 'Deadline of one push (connection to the last byte of the answer) and of each SMTP step (connection, greeting, socket idle); a push past it is retried with backoff.', schema: deadline },
  // ---- Throttling and brute-force protection (README "Throttling") ----
  // Budgets are `key=points/duration` lists; keys: ip (client address), client (claimed
  // client id), subject (login/TOTP: the username). `off` disables a list.
  { env: 'THROTTLE_ENABLED', default: 'true', description: 'Rate limits and lockouts on /token, /introspect, /revoke, the event endpoints, /me/data, sign-out and the login/TOTP forms. `false` only for benchmarks.', schema: bool },
  { env: 'TRUSTED_PROXIES', description: 'Comma-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For (client address) and MTLS_CERT_HEADER (client certificate) are believed; from any other address both are ignored. Unset: the client address is the socket peer.', schema: trustedProxies },
  { env: 'THROTTLE_TOKEN', default: 'ip=600/1m,client=300/1m', description: 'All requests to /token, per key.', schema: rates },
  { env: 'THROTTLE_TOKEN_FAILURES', default: 'ip=30/5m,client=30/5m', description: 'Failed requests to /token (invalid_client, invalid_grant) per key; over budget, every request is refused until the window ends.', schema: rates },
  { env: 'THROTTLE_INTROSPECT', default: 'ip=6000/1m,client=6000/1m', description: 'All requests to /introspect (resource servers call it per API request).', schema: rates },
  { env: 'THROTTLE_INTROSPECT_FAILURES', default: 'ip=600/1m,client=600/1m', description: 'Failed client authentications and inactive tokens at /introspect (RFC 7662 §4 token fishing).', schema: rates },
  { env: 'THROTTLE_REVOKE', default: 'ip=600/1m,client=300/1m', description: 'All requests to /revoke.', schema: rates },
  { env: 'THROTTLE_REVOKE_FAILURES', default: 'ip=30/5m,client=30/5m', description: 'Failed client authentications at /revoke.', schema: rates },
  { env: 'THROTTLE_LOGIN', default: 'ip=120/1m,subject=30/1m', description: 'All login form posts (subject: the username).', schema: rates },
  { env: 'THROTTLE_LOGIN_FAILURES', default: 'ip=100/1h,subject=30/1h', description: 'Wrong passwords, per key.', schema: rates },
  { env: 'THROTTLE_TOTP', default: 'ip=60/1m,subject=10/1m', description: 'All TOTP form posts.', schema: rates },
  { env: 'THROTTLE_TOTP_FAILURES', default: 'ip=50/1h,subject=20/1h', description: 'Wrong TOTP codes, per key.', schema: rates },
  { env: 'THROTTLE_EVENTS', default: 'ip=600/1m,client=300/1m', description: 'All requests to the event endpoints /events/poll and /ssf/stream (HTTP Basic client authentication), per key.', schema: rates },
  { env: 'THROTTLE_EVENTS_FAILURES', default: 'ip=30/5m,client=30/5m', description: 'Failed client authentications at the event endpoints; they count towards that client\'s lockout there.', schema: rates },
  { env: 'THROTTLE_ACCOUNT', default: 'ip=60/1m', description: 'All requests to /me/data (a user\'s export and erasure).', schema: rates },
  { env: 'THROTTLE_ACCOUNT_FAILURES', default: 'ip=30/5m', description: 'Requests to /me/data refused for their token (401 invalid_token).', schema: rates },
  { env: 'THROTTLE_LOGOUT', default: 'ip=60/1m', description: 'All requests to sign-out (/session/end and its confirmation), which verify any id_token_hint sent.', schema: rates },
  { env: 'THROTTLE_GATEWAY', default: 'ip=6000/1m,client=6000/1m', description: 'All gateway checks (/gateway/check: API gateways ask per API request), per key; client: the gateway.', schema: rates },
  { env: 'THROTTLE_GATEWAY_FAILURES', default: 'ip=600/1m,client=600/1m', description: 'Gateway checks refused for the token they asked about (invalid_token), and failed gateway authentications (these count towards the gateway\'s lockout).', schema: rates },
  { env: 'ADMIN_BEARER_CLIENTS', description: 'Comma-separated client ids whose plain bearer tokens the admin API (/admin/v1) accepts. Every other admin client must present a DPoP-bound or certificate-bound token (RFC 9449, RFC 8705).', schema: clientIds },
  { env: 'THROTTLE_ADMIN', default: 'ip=300/1m', description: 'All requests to the admin API (/admin/v1, /admin/openapi.json), per key.', schema: rates },
  { env: 'THROTTLE_ADMIN_FAILURES', default: 'ip=30/5m', description: 'Admin API requests refused for their token (401 invalid_token).', schema: rates },
  { env: 'THROTTLE_RESET', default: 'ip=20/1h,subject=5/1h', description: 'Password reset requests (subject: the address asked for) and uses of reset links (per address).', schema: rates },
  { env: 'PASSWORD_RESET_TTL', default: '30m', description: 'How long a password reset link sent by e-mail works (once).', schema: seconds },
  { env: 'LOCKOUT_FAMILIAR_FOR', default: '90d', description: 'A browser (device cookie) or network (/24 or /48) stays familiar to a person this long after their last sign-in from it; failures at the login form from familiar and unfamiliar places count towards separate lockouts (docs/lockout.md).', schema: seconds },
  { env: 'THROTTLE_LOCKOUT_AFTER', default: '10', description: 'Consecutive failed authentications of one client (token endpoints) or one username (login/TOTP) that lock it; 0 disables lockouts.', schema: z.coerce.number().int().min(0) },
  { env: 'THROTTLE_LOCKOUT_FIRST', default: '1m', description: 'First lockout; each further lockout doubles it.', schema: seconds },
  { env: 'THROTTLE_LOCKOUT_MAX', default: '15m', description: 'Longest lockout.', schema: seconds },
  { env: 'THROTTLE_LOCKOUT_RESET', default: '12h', description: 'Failure and lockout counts are forgotten after this long without a failure (and at once on a success).', schema: seconds },
  // ---- Device fingerprints (docs/fingerprint.md) ----
  { env: 'FINGERPRINT_COMPONENTS', default: 'all', description: 'Components collected and compared: `all` or a comma-separated list of names from docs/fingerprint.md (others are neither collected by the login page script nor kept).', schema: components },
  { env: 'FINGERPRINT_HIGH_ENTROPY', default: 'true', description: 'Collect the high-entropy components (canvas, audio, fonts, fontPreferences). `false` switches them off everywhere.', schema: bool },
  { env: 'FINGERPRINT_MATCH', default: '0.95', description: 'Similarity (0-1) at or above which a presented fingerprint matches the stored profile.', schema: fraction },
  { env: 'FINGERPRINT_DRIFT', default: '0.85', description: 'Similarity at or above which (and below FINGERPRINT_MATCH) a fingerprint is an accepted drift: the token stays active, the profile learns the change and it is recorded. Below: mismatch, the token is reported inactive.', schema: fraction },
  { env: 'FINGERPRINT_RETENTION', default: '30d', description: 'How long fingerprint profiles are kept after their last use, and change records after they were written; the purge job deletes older ones.', schema: seconds },
  { env: 'FINGERPRINT_MISMATCH', default: 'inactive', description: 'What a fingerprint mismatch at /introspect does: `inactive` (that token is reported inactive) or `step_up` (also, with RISK_ENABLED, every earlier token of the user stops being active until they sign in again at the highest level they have; the answer carries the RFC 9470 step-up hint, docs/risk.md).', schema: z.enum(['inactive', 'step_up']) },
  // ---- Risk signals and responses (docs/risk.md) ----
  { env: 'RISK_ENABLED', default: 'true', description: 'Risk signals, decisions (step-up, lockout, session revocation), notifications and alerts.', schema: bool },
  { env: 'RISK_SCORES', default: DEFAULT_RISK_SCORES, description: 'Score of each signal (0-1000); unlisted signals keep their default.', schema: scores },
  { env: 'RISK_THRESHOLDS', default: DEFAULT_RISK_THRESHOLDS, description: 'Combined score (a subject\'s or client\'s signals within RISK_SCORE_WINDOW) at which each response starts.', schema: thresholds },
  { env: 'RISK_SCORE_WINDOW', default: '15m', description: 'How long a signal counts towards the combined score.', schema: seconds },
  { env: 'RISK_FINGERPRINT_CHANGES', default: '3', description: 'Fingerprint profile changes (drift or mismatch) per subject or session tolerated within RISK_FINGERPRINT_WINDOW; one more is a `fingerprint_velocity` signal.', schema: positiveInt },
  { env: 'RISK_FINGERPRINT_WINDOW', default: '1h', description: 'Window of RISK_FINGERPRINT_CHANGES.', schema: seconds },
  { env: 'RISK_MAX_SPEED_KMH', default: '900', description: 'Impossible travel: speed (km/h) between two consecutive uses of one subject above which the second use is a signal.', schema: positiveInt },
  { env: 'RISK_TRAVEL_MIN_KM', default: '300', description: 'Distances below this are never impossible travel (GeoIP is coarse).', schema: z.coerce.number().int().min(0) },
  { env: 'RISK_GEOIP_DB', description: 'A MaxMind DB file (GeoIP2 or GeoLite2 City, `.mmdb`) to locate addresses with instead of the GeoLite data shipped in geoip-lite; read at start-up (a file that is missing or not a MaxMind DB stops the process).', schema: z.string().min(1).optional() },
  { env: 'RISK_DENY_IPS', description: 'Comma-separated IPs/CIDRs refused at login, /token and /introspect.', schema: cidrs },
  { env: 'RISK_WATCH_IPS', description: 'Comma-separated IPs/CIDRs whose requests are a `flagged_ip` signal.', schema: cidrs },
  { env: 'RISK_DENY_IPS_FILE', description: 'File of deny-listed IPs/CIDRs, one per line (`#` comments); re-read when its mtime changes.', schema: z.string().min(1).optional() },
  { env: 'RISK_WATCH_IPS_FILE', description: 'File of watch-listed IPs/CIDRs, same format.', schema: z.string().min(1).optional() },
  { env: 'RISK_IP_LIST_MAX', default: '100000', description: 'Most entries an IP list file may hold; a longer file is rejected.', schema: positiveInt },
  { env: 'RISK_LIST_RELOAD', default: '5s', description: 'How often IP list files are checked for changes.', schema: seconds },
  { env: 'RISK_RECENT_FAILURES', default: '10', description: 'Failures (wrong passwords, invalid tokens) from one address within RISK_FAILURE_WINDOW that make its next uses a `recent_failures` signal.', schema: positiveInt },
  { env: 'RISK_FAILURE_WINDOW', default: '15m', description: 'Window of RISK_RECENT_FAILURES.', schema: seconds },
  { env: 'RISK_REPLAY_IPS', default: '3', description: 'Distinct presenter addresses of one token (jti) within RISK_REPLAY_WINDOW that make a `token_replay` signal.', schema: positiveInt },
  { env: 'RISK_REPLAY_WINDOW', default: '5m', description: 'Window of RISK_REPLAY_IPS.', schema: seconds },
  { env: 'RISK_INVALID_TOKEN_BURST', default: '50', description: 'Inactive tokens presented at /introspect by one caller within RISK_BURST_WINDOW that make an `invalid_token_burst` signal.', schema: positiveInt },
  { env: 'RISK_BURST_WINDOW', default: '1m', description: 'Window of RISK_INVALID_TOKEN_BURST.', schema: seconds },
  { env: 'RISK_LOCKOUT_FIRST', default: '15m', description: 'First risk lockout of a user or client; each further one doubles.', schema: seconds },
  { env: 'RISK_LOCKOUT_MAX', default: '24h', description: 'Longest risk lockout.', schema: seconds },
  { env: 'RISK_WEBHOOK_URL', description: 'User notifications (new device, locked out, session revoked) are POSTed here as JWS signed with the issuer key (docs/risk.md).', schema: httpUrl.optional() },
  { env: 'RISK_SMTP_URL', description: 'SMTP server for user notification emails, e.g. smtp://mail:25 or smtps://user:pass@mail:465. Users are mailed at their username when it is an email address.', schema: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional() },
  { env: 'RISK_EMAIL_FROM', default: 'portcullis@localhost', description: 'Sender of notification emails.', schema: z.string().min(3).max(254) },
  { env: 'RISK_ALERT_URL', description: 'Security-team alerts (step-up and stronger decisions) are POSTed here as signed Security Event Tokens (RFC 8417, RFC 8935 push).', schema: httpUrl.optional() },
  { env: 'RISK_EVENT_RETENTION', default: '90d', description: 'How long risk event log rows are kept before the purge job deletes them.', schema: seconds },
  // ---- Privacy: retention and the record of access (docs/privacy.md) ----
  { env: 'PERMISSION_CHANGE_RETENTION', default: '90d', description: 'How long permission change records (who was granted or lost a role, and when) are kept before the purge job deletes them.', schema: seconds },
  { env: 'PRIVACY_AUDIT_RETENTION', default: '365d', description: 'How long the privacy audit (admin look-ups of a person, exports, erasures) is kept before the purge job deletes it.', schema: seconds },
  { env: 'ADMIN_AUDIT_RETENTION', default: '365d', description: 'How long the admin audit trail (every change made through the admin API or the admin CLI: who, what, when, from where) is kept before the purge job deletes it.', schema: seconds },
  { env: 'USER_INACTIVE_RETENTION', default: 'off', description: 'Accounts without a sign-in for this long (counted from creation before the first one) are erased by the purge job, with everything held about them. `off`: accounts stay until deleted or erased.', schema: durationOrOff },
] as const satisfies readonly Setting[];
