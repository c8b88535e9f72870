import { availableParallelism } from 'node:os';
import { settings } from './settings.js';
import { ConfigError } from './errors.js';
import { checkRuntime } from './runtime.js';
import { throttleConfig, type ThrottleConfig } from './throttle.js';
import { riskConfig, type RiskConfig } from './risk.js';

/** The validated, frozen configuration every service receives. */
export interface Config {
  port: number;
  host: string;
  issuer: string;
  mode: 'embedded' | 'cluster';
  databaseUrl?: string;
  databaseSchema: string;
  /** DATABASE_QUERY_TIMEOUT, DATABASE_CONNECT_TIMEOUT (ms) */
  databaseTimeouts: { queryMs: number; connectMs: number };
  redisUrl?: string;
  /** REDIS_COMMAND_TIMEOUT, REDIS_CONNECT_TIMEOUT (ms) */
  redisTimeouts: { commandMs: number; connectMs: number };
  /** issuer processes on this machine (WEB_CONCURRENCY; 1 in embedded mode) */
  workers: number;
  /** ms a stopping process lets requests in flight finish */
  shutdownGraceMs: number;
  dataDir: string;
  keysDir: string;
  kek?: string;
  logLevel: string;
  metricsToken?: string;
  signingAlg: 'ES256' | 'EdDSA' | 'PS256';
  accessTokenTtl: number;
  /** sessions, grants and refresh tokens (seconds) */
  sessionTtl: number;
  clockTolerance: number;
  signingKeyRotation: number;
  masterSecretRotation: number;
  keyReloadInterval: number;
  maxTokenLength: number;
  openCacheSize: number;
  subjectCacheTtl: number;
  // sender-constrained tokens
  dpopNonce: 'public' | 'always' | 'never';
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsClientCaFile?: string;
  mtlsCertHeader?: string;
  trustedProxies: string[];
  // jobs and security events
  jobQueuePrefix: string;
  jobRotationCheck: number;
  jobPurgeInterval: number;
  jobRevalidateInterval: number;
  eventPushGiveUp: number;
  eventPushMaxBackoff: number;
  eventRetention: number;
  /** where pushes may go, and their deadline (ms) */
  outbound: { allowedHosts: string[]; timeoutMs: number };
  /** client ids whose unbound bearer tokens the admin API accepts (ADMIN_BEARER_CLIENTS) */
  adminBearerClients: string[];
  // throttling
  throttle: ThrottleConfig;
  /** seconds a device or network stays familiar after a sign-in from it (login lockouts count apart) */
  lockoutFamiliarFor: number;
  /** seconds a password reset link works */
  passwordResetTtl: number;
  /** product name, logo and accent colour of every page people see */
  brand: { name: string; logoUrl?: string; accent: string };
  // device fingerprints
  fingerprint: { components: string[] | 'all'; highEntropy: boolean; match: number; drift: number; retention: number; mismatch: 'inactive' | 'step_up' };
  // risk signals and responses
  risk: RiskConfig;
  // retention of personal data beyond the areas above (docs/privacy.md)
  privacy: { permissionChangeRetention: number; auditRetention: number; adminAuditRetention: number; inactiveUserRetention?: number };
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the environment once. Throws ConfigError naming the first bad
 * variable. `process.env` is read nowhere else.
 */
export function loadConfig(env: Env = process.env): Config {
  checkRuntime();
  const values: Record<string, unknown> = {};
  for (const setting of settings) {
    const raw = env[setting.env] === '' ? undefined : env[setting.env];
    const input = raw ?? ('default' in setting ? setting.default : undefined);
    if (input === undefined) continue;
    if (setting.env === 'ISSUER' && raw === undefined) continue;
    const parsed = setting.schema.safeParse(input);
    if (!parsed.success) {
      throw new ConfigError(setting.env, parsed.error.issues[0]?.message ?? 'invalid value');
    }
    values[setting.env] = parsed.data;
  }
  return Object.freeze(assemble(values));
}

function assemble(v: Record<string, unknown>): Config {
  const port = v.PORT as number;
  const issuer = ((v.ISSUER as string | undefined) ?? `${v.TLS_CERT_FILE ? 'https' : 'http'}://localhost:${port}`).replace(/\/$/, '');
  const databaseUrl = v.DATABASE_URL as string | undefined;
  if (databaseUrl && !v.PORTCULLIS_KEK) {
    throw new ConfigError('PORTCULLIS_KEK', 'is required in cluster mode (DATABASE_URL is set)');
  }
  return {
    port,
    host: v.HOST as string,
    issuer,
    mode: databaseUrl ? 'cluster' : 'embedded',
    databaseUrl,
    databaseSchema: v.DATABASE_SCHEMA as string,
    databaseTimeouts: { queryMs: v.DATABASE_QUERY_TIMEOUT as number, connectMs: v.DATABASE_CONNECT_TIMEOUT as number },
    redisUrl: v.REDIS_URL as string | undefined,
    redisTimeouts: { commandMs: v.REDIS_COMMAND_TIMEOUT as number, connectMs: v.REDIS_CONNECT_TIMEOUT as number },
    workers: workers(v.WEB_CONCURRENCY as number | 'auto', Boolean(databaseUrl)),
    shutdownGraceMs: v.SHUTDOWN_GRACE as number,
    dataDir: v.DATA_DIR as string,
    keysDir: v.KEYS_DIR as string,
    kek: v.PORTCULLIS_KEK as string | undefined,
    logLevel: v.LOG_LEVEL as string,
    metricsToken: v.METRICS_TOKEN as string | undefined,
    signingAlg: v.SIGNING_ALG as Config['signingAlg'],
    accessTokenTtl: v.ACCESS_TOKEN_TTL as number,
    sessionTtl: v.SESSION_TTL as number,
    clockTolerance: v.CLOCK_TOLERANCE as number,
    signingKeyRotation: v.SIGNING_KEY_ROTATION as number,
    masterSecretRotation: v.MASTER_SECRET_ROTATION as number,
    keyReloadInterval: v.KEY_RELOAD_INTERVAL as number,
    maxTokenLength: v.MAX_TOKEN_LENGTH as number,
    openCacheSize: v.OPEN_CACHE_SIZE as number,
    subjectCacheTtl: v.SUBJECT_CACHE_TTL as number,
    // jobs and security events
    jobQueuePrefix: v.JOB_QUEUE_PREFIX as string,
    jobRotationCheck: v.JOB_ROTATION_CHECK as number,
    jobPurgeInterval: v.JOB_PURGE_INTERVAL as number,
    jobRevalidateInterval: v.JOB_REVALIDATE_INTERVAL as number,
    eventPushGiveUp: v.EVENT_PUSH_GIVE_UP as number,
    eventPushMaxBackoff: v.EVENT_PUSH_MAX_BACKOFF as number,
    eventRetention: v.EVENT_RETENTION as number,
    outbound: { allowedHosts: (v.OUTBOUND_ALLOWED_HOSTS as string[] | undefined) ?? [], timeoutMs: v.OUTBOUND_TIMEOUT as number },
    adminBearerClients: (v.ADMIN_BEARER_CLIENTS as string[] | undefined) ?? [],
    throttle: throttleConfig(v),
    lockoutFamiliarFor: v.LOCKOUT_FAMILIAR_FOR as number,
    passwordResetTtl: v.PASSWORD_RESET_TTL as number,
    brand: Object.freeze({ name: v.BRAND_NAME as string, logoUrl: v.BRAND_LOGO_URL as string | undefined, accent: (v.BRAND_ACCENT as string).toLowerCase() }),
    fingerprint: fingerprintSettings(v),
    risk: riskConfig(v),
    privacy: privacySettings(v),
    ...bindingSettings(v),
  };
}

/**
 * WEB_CONCURRENCY: `auto` is one process per core the process may use. Embedded mode is
 * one process: its PGlite database lives in that process (a lock on DATA_DIR keeps a
 * second one out), so more processes would have nothing to share.
 */
function workers(setting: number | 'auto', cluster: boolean): number {
  const n = setting === 'auto' ? availableParallelism() : setting;
  if (!cluster && n > 1) throw new ConfigError('WEB_CONCURRENCY', 'needs cluster mode (DATABASE_URL): an embedded issuer is one process, it owns its data directory');
  return n;
}

/** Sender-constrained token settings; TLS files come as a pair. */
function bindingSettings(v: Record<string, unknown>): Pick<Config, 'dpopNonce' | 'tlsCertFile' | 'tlsKeyFile' | 'tlsClientCaFile' | 'mtlsCertHeader' | 'trustedProxies'> {
  if (Boolean(v.TLS_CERT_FILE) !== Boolean(v.TLS_KEY_FILE)) throw new ConfigError(v.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE', 'TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  if (v.MTLS_CERT_HEADER && !(v.TRUSTED_PROXIES as string[] | undefined)?.length) throw new ConfigError('TRUSTED_PROXIES', 'is required when MTLS_CERT_HEADER is set');
  return {
    dpopNonce: v.DPOP_NONCE as Config['dpopNonce'],
    tlsCertFile: v.TLS_CERT_FILE as string | undefined,
    tlsKeyFile: v.TLS_KEY_FILE as string | undefined,
    tlsClientCaFile: v.TLS_CLIENT_CA_FILE as string | undefined,
    mtlsCertHeader: v.MTLS_CERT_HEADER as string | undefined,
    trustedProxies: (v.TRUSTED_PROXIES as string[] | undefined) ?? [],
  };
}

/** Device fingerprint settings: the drift threshold cannot exceed the match threshold. */
function fingerprintSettings(v: Record<string, unknown>): Config['fingerprint'] {
  const [match, drift] = [v.FINGERPRINT_MATCH as number, v.FINGERPRINT_DRIFT as number];
  if (drift > match) throw new ConfigError('FINGERPRINT_DRIFT', 'must not be greater than FINGERPRINT_MATCH');
  return { components: v.FINGERPRINT_COMPONENTS as string[] | 'all', highEntropy: v.FINGERPRINT_HIGH_ENTROPY as boolean, match, drift, retention: v.FINGERPRINT_RETENTION as number, mismatch: v.FINGERPRINT_MISMATCH as 'inactive' | 'step_up' };
}

/**
 * Retention settings of docs/privacy.md. An account is inactive only once it could not
 * have been used without a sign-in for that long: a refresh token lives up to SESSION_TTL.
 */
function privacySettings(v: Record<string, unknown>): Config['privacy'] {
  const inactiveUserRetention = v.USER_INACTIVE_RETENTION as number | undefined;
  if (inactiveUserRetention !== undefined && inactiveUserRetention <= (v.SESSION_TTL as number)) {
    throw new ConfigError('USER_INACTIVE_RETENTION', 'must be longer than SESSION_TTL (accounts signed in once still use their refresh tokens that long)');
  }
  return { permissionChangeRetention: v.PERMISSION_CHANGE_RETENTION as number, auditRetention: v.PRIVACY_AUDIT_RETENTION as number, adminAuditRetention: v.ADMIN_AUDIT_RETENTION as number, inactiveUserRetention };
}
