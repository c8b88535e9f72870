/**
 * Starts Portcullis for the benchmark exactly as an operator would: `node
 * dist/src/main.js` in a child process with a throw-away DATA_DIR/KEYS_DIR (embedded)
 * or a throw-away schema (cluster), then registers one resource server and one
 * client with the admin CLI.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, runNode, startNode, waitForHttp, type Child } from './children.js';

export interface Target {
  url: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  scopes: string;
}

export interface RunningPortcullis extends Target {
  mode: 'embedded' | 'cluster';
  label: string;
  child: Child;
  stop(): Promise<void>;
}

export interface PortcullisOptions {
  /** cluster mode when set */
  databaseUrl?: string;
  redisUrl?: string;
  /** extra node flags for the issuer (e.g. --cpu-prof) */
  nodeArgs?: string[];
  /** extra settings (e.g. THROTTLE_*) */
  env?: Record<string, string>;
  /** shown in the tables (default: portcullis <mode>) */
  label?: string;
}

// Settings the bench decides; anything the caller's shell has for these is dropped.
const OWN = ['PORT', 'HOST', 'ISSUER', 'DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL', 'DATA_DIR', 'KEYS_DIR', 'PORTCULLIS_KEK', 'EMBEDDED_DB_PORT', 'LOG_LEVEL', 'TRUSTED_PROXIES'];

function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (OWN.includes(name) || name.startsWith('THROTTLE_')) delete env[name];
  return env;
}

async function issuerEnv(opts: PortcullisOptions, port: number, dir: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...baseEnv(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: join(dir, 'data'), KEYS_DIR: join(dir, 'keys'), ...opts.env };
  if (!opts.databaseUrl) return env;
  env.DATABASE_URL = opts.databaseUrl;
  env.DATABASE_SCHEMA = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  env.PORTCULLIS_KEK = randomBytes(32).toString('base64url');
  if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
  return env;
}

async function register(env: NodeJS.ProcessEnv, target: Target): Promise<void> {
  await runNode('scripts/admin.js', ['resource', 'add', '--audience', target.audience, '--scopes', target.scopes, '--ttl', '15m'], env);
  await runNode('scripts/admin.js', ['client', 'add', '--id', target.clientId, '--secret-stdin', '--grants', 'client_credentials', '--scopes', target.scopes, '--audience', target.audience], env, target.clientSecret);
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Starts a Portcullis issuer and registers the benchmark's client and resource server. */
export async function startPortcullis(opts: PortcullisOptions = {}): Promise<RunningPortcullis> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-bench-'));
  const port = await freePort();
  const env = await issuerEnv(opts, port, dir);
  const mode = opts.databaseUrl ? 'cluster' : 'embedded';
  const child = startNode(`portcullis (${mode})`, 'src/main.js', env, opts.nodeArgs);
  const target: Target = {
    url: `http://127.0.0.1:${port}`, clientId: 'bench-client', clientSecret: randomBytes(32).toString('base64url'),
    audience: 'https://api.bench.example', scopes: 'read write',
  };
  const stop = async () => {
    await child.stop();
    if (env.DATABASE_URL && env.DATABASE_SCHEMA) await dropSchema(env.DATABASE_URL, env.DATABASE_SCHEMA).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(child, `${target.url}/readyz`);
    await register(env, target);
    return { ...target, mode, label: opts.label ?? `portcullis ${mode}`, child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
