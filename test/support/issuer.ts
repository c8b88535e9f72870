/**
 * An in-process embedded issuer for end-to-end tests: a temporary DATA_DIR and
 * KEYS_DIR, a reserved loopback port (the issuer identifier must name the port before
 * the server listens, so discovery's issuer check holds), captured logs, and helpers
 * that register resource servers and clients the way the admin CLI does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createMaster, deploymentSecret, resolveKek } from '../../src/keys/index.js';
import { addClient, saveResource } from '../../src/registry/index.js';
import { startIssuer, type Issuer, type IssuerExtensions, type IssuerOptions } from '../../src/server/index.js';

export interface LogRecord { level: number; msg: string; [field: string]: unknown }

export interface ResourceSpec { audience: string; scopes: string[]; ttl?: number; introspector?: string }
export interface ClientSpec {
  id: string; scopes: string[]; audiences: string[]; secret?: string;
  grants?: string[]; redirectUris?: string[]; postLogoutRedirectUris?: string[]; public?: boolean;
  /** device fingerprint policy */
  fingerprint?: 'required' | 'optional' | 'off';
}

export interface TestIssuer {
  issuer: Issuer;
  config: Config;
  /** base URL, equal to the issuer identifier */
  url: string;
  kek: Uint8Array;
  /** every log line the issuer wrote, parsed */
  logs: LogRecord[];
  addResource(spec: ResourceSpec): Promise<void>;
  /** Registers a client; returns its clear secret. */
  addClient(spec: ClientSpec): Promise<string>;
  close(): Promise<void>;
}

/** A free loopback port (reserved, then released for the issuer to take). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

function captureLogs(records: LogRecord[]) {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return pino({ level: 'info' }, sink);
}

/** Starts an embedded issuer on loopback; extra env entries override the defaults. */
export async function startTestIssuer(env: Record<string, string> = {}, seams: IssuerExtensions & IssuerOptions = {}): Promise<TestIssuer> {
  const root = await mkdtemp(join(tmpdir(), 'portcullis-http-'));
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port), HOST: '127.0.0.1', ISSUER: `http://127.0.0.1:${port}`,
    DATA_DIR: join(root, 'data'), KEYS_DIR: join(root, 'keys'), LOG_LEVEL: 'info',
    // test receivers, webhooks and alert sinks listen on loopback, as an operator's internal hosts would
    OUTBOUND_ALLOWED_HOSTS: '127.0.0.1', ...env,
  });
  const logs: LogRecord[] = [];
  const { now, ...extensions } = seams; // the risk clock is an option, not a job extension
  const issuer = await startIssuer(config, captureLogs(logs), extensions, { now });
  const kek = resolveKek(config);
  const clientPepper = await deploymentSecret(issuer.db, kek, 'client-secret');
  return {
    issuer, config, url: issuer.url, kek, logs,
    async addResource(spec) {
      await createMaster({ db: issuer.db, kek, audience: spec.audience });
      await saveResource(issuer.db, { audience: spec.audience, scopes: spec.scopes, accessTokenTtl: spec.ttl ?? 300, introspector: spec.introspector });
      await issuer.keys.reload();
    },
    addClient: (spec) => addClient(issuer.db, clientPepper, { grants: ['client_credentials'], ...spec }),
    async close() {
      await issuer.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Log lines that mean the server hit something it did not expect. */
export function serverErrors(logs: LogRecord[]): LogRecord[] {
  return logs.filter((r) => r.level >= 50);
}

/** True when a response body leaks a stack trace or a source path. */
export function leaksInternals(body: string): boolean {
  return /\bat [^\s]+ \(|\bat (?:file:|node:|\/)|\/src\/|\/node_modules\/|\.ts:\d+|\.js:\d+/.test(body);
}
