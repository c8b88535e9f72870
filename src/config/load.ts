import { settings } from './settings.js';
import { ConfigError } from './errors.js';
import { throttleConfig, type ThrottleConfig } from './throttle.js';

/** The validated, frozen configuration every service receives. */
export interface Config {
  port: number;
  host: string;
  issuer: string;
  mode: 'embedded' | 'cluster';
  databaseUrl?: string;
  databaseSchema: string;
  redisUrl?: string;
  dataDir: string;
  keysDir: string;
  kek?: string;
  logLevel: string;
  signingAlg: 'ES256' | 'EdDSA' | 'PS256';
  accessTokenTtl: number;
  clockTolerance: number;
  signingKeyRotation: number;
  masterSecretRotation: number;
  keyReloadInterval: number;
  maxTokenLength: number;
  openCacheSize: number;
  subjectCacheTtl: number;
  // throttling (issue 9)
  trustedProxies: string[];
  throttle: ThrottleConfig;
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the environment once. Throws ConfigError naming the first bad
 * variable. `process.env` is read nowhere else.
 */
export function loadConfig(env: Env = process.env): Config {
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
  const issuer = ((v.ISSUER as string | undefined) ?? `http://localhost:${port}`).replace(/\/$/, '');
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
    redisUrl: v.REDIS_URL as string | undefined,
    dataDir: v.DATA_DIR as string,
    keysDir: v.KEYS_DIR as string,
    kek: v.PORTCULLIS_KEK as string | undefined,
    logLevel: v.LOG_LEVEL as string,
    signingAlg: v.SIGNING_ALG as Config['signingAlg'],
    accessTokenTtl: v.ACCESS_TOKEN_TTL as number,
    clockTolerance: v.CLOCK_TOLERANCE as number,
    signingKeyRotation: v.SIGNING_KEY_ROTATION as number,
    masterSecretRotation: v.MASTER_SECRET_ROTATION as number,
    keyReloadInterval: v.KEY_RELOAD_INTERVAL as number,
    maxTokenLength: v.MAX_TOKEN_LENGTH as number,
    openCacheSize: v.OPEN_CACHE_SIZE as number,
    subjectCacheTtl: v.SUBJECT_CACHE_TTL as number,
    // throttling (issue 9)
    trustedProxies: (v.TRUSTED_PROXIES as string[] | undefined) ?? [],
    throttle: throttleConfig(v),
  };
}
