/**
 * Real child processes for the admin CLI and cluster tests: the built issuer
 * (`dist/src/main.js`) and admin CLI (`dist/scripts/admin.js`), started with an
 * explicit environment, waited for with bounded polls, and always stopped.
 * `npm test` builds dist first; running jest alone needs `npm run build` before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');
export const ADMIN = join(process.cwd(), 'dist', 'scripts', 'admin.js');

/** Fails clearly when dist/ was not built. */
export function assertBuilt(): void {
  for (const file of [MAIN, ADMIN]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
  }
}

/** A loopback port that was free a moment ago (bound to 0, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('could not reserve a port');
  return address.port;
}

/** Only what a child needs from our environment; the test gives the rest explicitly. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { PATH, HOME, TMPDIR, LOG_LEVEL: 'warn', ...env };
}

export interface Exited { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs a node script to completion (killed after timeoutMs), feeding stdin if given. */
export function runScript(script: string, args: string[], env: Record<string, string>, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<Exited> {
  const child = spawn(process.execPath, [script, ...args], { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  const out = collect(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  child.stdin!.end(opts.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out.stdout(), stderr: out.stderr() });
    });
  });
}

/** `node dist/scripts/admin.js ...args`. */
export function runAdmin(args: string[], env: Record<string, string>, stdin?: string): Promise<Exited> {
  return runScript(ADMIN, args, env, { stdin });
}

function collect(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  return { stdout: () => stdout, stderr: () => stderr };
}

export interface IssuerProcess {
  /** http://127.0.0.1:port (where this process listens; ISSUER may differ in a cluster) */
  url: string;
  port: number;
  pid: number;
  /** Everything it wrote so far (for failure messages). */
  output(): string;
  /** SIGTERM, then SIGKILL after a bound; resolves with the exit code. Idempotent. */
  stop(): Promise<number | null>;
}

const live = new Set<IssuerProcess>();

/**
 * Starts `node dist/src/main.js` listening on `port` and waits until GET /readyz
 * answers 200 (bounded); a child that exits first fails with its output.
 */
export async function startIssuerProcess(port: number, env: Record<string, string>, readyTimeoutMs = 90_000): Promise<IssuerProcess> {
  const child = spawn(process.execPath, [MAIN], { env: childEnv({ HOST: '127.0.0.1', PORT: String(port), ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = collect(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stopping: Promise<number | null> | undefined;
  const proc: IssuerProcess = {
    url: `http://127.0.0.1:${port}`, port, pid: child.pid!,
    output: () => `--- stdout\n${out.stdout()}\n--- stderr\n${out.stderr()}`,
    stop: () => (stopping ??= terminate(child, exited).finally(() => live.delete(proc))),
  };
  live.add(proc);
  let dead = false;
  void exited.then(() => { dead = true; });
  try {
    await waitFor(`issuer on port ${port} ready`, readyTimeoutMs, async () => {
      if (dead) throw new Error(`issuer exited before it was ready\n${proc.output()}`);
      const res = await fetch(`${proc.url}/readyz`).catch(() => undefined);
      return res?.status === 200;
    });
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return proc;
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Stops every issuer a test file started (for afterAll). */
export async function stopAllIssuers(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}

/**
 * Polls `check` every intervalMs until it returns something truthy, or fails after
 * timeoutMs naming what was awaited. An exception from check fails at once.
 */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined | null | false>, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Public JWKS of one process. */
export async function jwksOf(url: string): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${url}/jwks`);
  if (res.status !== 200) throw new Error(`GET ${url}/jwks answered ${res.status}`);
  return ((await res.json()) as { keys: Array<Record<string, unknown>> }).keys;
}

/** The kids a JWKS lists, sorted. */
export function kidsOf(keys: Array<Record<string, unknown>>): string[] {
  return keys.map((k) => String(k.kid)).sort();
}

/** The `kid` of a compact JWS's protected header. */
export function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { kid: string }).kid;
}

/** Lines of a stream's output, without the trailing empty one. */
export function linesOf(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/**
 * TCP ports a process listens on, read from /proc (Linux): the sockets among its
 * file descriptors that /proc/net/tcp{,6} lists in state LISTEN (0A).
 */
export async function listeningTcpPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]);
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9])) ports.add(Number.parseInt(cols[1].split(':')[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** Runs an admin command that must succeed; resolves to its stdout. */
export async function adminOk(args: string[], env: Record<string, string>, stdin?: string): Promise<string> {
  const r = await runAdmin(args, env, stdin);
  if (r.code !== 0) throw new Error(`admin ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}
