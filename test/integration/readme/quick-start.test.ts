/**
 * The README's quick start and its resource-server example, run as written, in order,
 * against a fresh embedded issuer: the blocks are read from README.md, so the test
 * fails when the README drifts from what works. Ports are moved off 3000/4000/4001 (the
 * machine may run other issuers) and DATA_DIR/KEYS_DIR point into a temporary folder;
 * everything else runs as a reader would run it (`npm start`, `npm run admin`, curl, the
 * demo API, `node api.ts`). Documented answers (`# {...}` lines) must appear in order.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, freePort } from '../admin/processes.js';

const README = readFileSync(join(process.cwd(), 'README.md'), 'utf8');

/** The fenced blocks of one language between a heading and the next heading of its level. */
function blocks(heading: string, lang: string): string[] {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}"`);
  const level = heading.split(' ')[0];
  const rest = README.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n${level} `));
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

/** Documented answers: `# {...}` lines, in order. */
function answers(block: string): string[] {
  return block.split('\n').filter((l) => /^# \{.*\}$/.test(l)).map((l) => l.slice(2));
}

function expectInOrder(output: string, expected: string[]): void {
  let from = 0;
  for (const answer of expected) {
    const at = output.indexOf(answer, from);
    if (at < 0) throw new Error(`expected ${answer} in the output after position ${from}:\n${output}`);
    from = at + answer.length;
  }
}

let root: string;
let ports: { issuer: number; demo: number; example: number };
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];
const cleanup: string[] = [];

function localize(text: string): string {
  return text.replaceAll('localhost:3000', `localhost:${ports.issuer}`).replaceAll('localhost:4000', `localhost:${ports.demo}`)
    .replaceAll('localhost:4001', `localhost:${ports.example}`).replaceAll('listen(4001', `listen(${ports.example}`);
}

/** Starts a long-running command in its own process group; resolves once `ready` appears on its stdout. */
function startUntil(command: string, args: string[], ready: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(command, args, { cwd: process.cwd(), env: { ...env, ...extraEnv }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let seen = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { seen += chunk.toString(); if (seen.includes(ready)) resolve(child); });
    child.stderr!.on('data', (chunk: Buffer) => { seen += chunk.toString(); });
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before "${ready}":\n${seen}`)));
  });
}

/** Runs a script in bash with `set -euo pipefail`; its output goes to a file (background jobs keep a pipe open). */
function bash(script: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  const file = join(root, `out-${children.length}.txt`);
  const fd = openSync(file, 'w');
  const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: process.cwd(), env: { ...env, ...extraEnv }, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  children.push(child);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output: readFileSync(file, 'utf8') })));
}

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'portcullis-readme-'));
  ports = { issuer: await freePort(), demo: await freePort(), example: await freePort() };
  env = { ...process.env, PORT: String(ports.issuer), DATA_DIR: join(root, 'data'), KEYS_DIR: join(root, 'keys'), LOG_LEVEL: 'info' };
  for (const name of ['ISSUER', 'DATABASE_URL', 'REDIS_URL', 'PORTCULLIS_KEK', 'DEMO_API_PORT']) delete env[name];
});

afterAll(async () => {
  for (const child of children.reverse()) {
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
  }
  for (const dir of [root, ...cleanup]) await rm(dir, { recursive: true, force: true });
});

it('the quick start runs as written, then the resource-server example', async () => {
  const [start, ...steps] = blocks('## Quick start: a token, a resource server, a revocation', 'sh');
  expect(start.trim()).toBe('npm install && npm start');
  expect(steps.length).toBeGreaterThanOrEqual(3);
  // the suite's own install stands in for `npm install`
  await startUntil('npm', ['start'], 'portcullis issuer listening');

  const quick = await bash(`${steps.map(localize).join('\n')}\nprintf '\\nDOC_TOKEN=%s\\nOPENING_SECRET=%s\\n' "$DOC_TOKEN" "$OPENING_SECRET"`);
  expect(quick.code).toBe(0);
  expectInOrder(quick.output, steps.flatMap(answers).map(localize));
  const vars = Object.fromEntries([...quick.output.matchAll(/^(DOC_TOKEN|OPENING_SECRET)=(.+)$/gm)].map((m) => [m[1], m[2]]));
  expect(vars.OPENING_SECRET).toMatch(/^pcm1\./);

  const [example] = blocks('### How a resource server verifies Portcullis tokens', 'ts');
  const [call] = blocks('### How a resource server verifies Portcullis tokens', 'sh');
  expect(example).toMatch(/^\/\/ api\.ts\n/);
  const dir = await mkdtemp(join(process.cwd(), 'dist', 'readme-')); // inside the repo: node_modules resolve
  cleanup.push(dir);
  const file = join(dir, 'api.ts');
  await writeFile(file, localize(example));
  const tsc = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
  const checked = spawnSync(process.execPath, [tsc, '--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2023', '--types', 'node', '--skipLibCheck', file], { encoding: 'utf8' });
  expect(checked.stdout + checked.stderr).toBe('');
  await startUntil(process.execPath, [file], 'listening', { PORTCULLIS_OPENING_SECRET: vars.OPENING_SECRET });
  const called = await bash(localize(call), { DOC_TOKEN: vars.DOC_TOKEN });
  expect(called.code).toBe(0);
  expectInOrder(called.output, answers(call));
});
