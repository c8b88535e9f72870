/**
 * README "Automating Portcullis": the curl block runs as written (the port moved off
 * 3000, DATA_DIR/KEYS_DIR in a temporary folder) against a fresh embedded issuer started
 * with `npm start` and ADMIN_BEARER_CLIENTS=ci-bot, as the section says. Documented
 * answers (`# {...}` and `# [...]` lines) must appear in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, freePort } from '../admin/processes.js';

const README = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
const HEADING = '## Automating Portcullis (the admin API)';

let root: string;
let port: number;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

/** The `sh` blocks of the section. */
function shBlocks(): string[] {
  const start = README.indexOf(`\n${HEADING}\n`);
  if (start < 0) throw new Error(`README has no "${HEADING}"`);
  const rest = README.slice(start + HEADING.length + 2);
  const section = rest.slice(0, rest.search(/\n## /));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

const localize = (text: string) => text.replaceAll('localhost:3000', `localhost:${port}`);

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'portcullis-readme-admin-'));
  port = await freePort();
  env = { ...process.env, PORT: String(port), DATA_DIR: join(root, 'data'), KEYS_DIR: join(root, 'keys'), LOG_LEVEL: 'info', ADMIN_BEARER_CLIENTS: 'ci-bot' };
  for (const name of ['ISSUER', 'DATABASE_URL', 'REDIS_URL', 'PORTCULLIS_KEK']) delete env[name];
});

afterAll(async () => {
  for (const child of children.reverse()) {
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
  }
  await rm(root, { recursive: true, force: true });
});

function startIssuer(): Promise<void> {
  const child = spawn('npm', ['start'], { cwd: process.cwd(), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let seen = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { seen += chunk.toString(); if (seen.includes('portcullis issuer listening')) resolve(); });
    child.stderr!.on('data', (chunk: Buffer) => { seen += chunk.toString(); });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${seen}`)));
  });
}

function bash(script: string): Promise<{ code: number | null; output: string }> {
  const file = join(root, 'out.txt');
  const fd = openSync(file, 'w');
  const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: process.cwd(), env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  children.push(child);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output: readFileSync(file, 'utf8') })));
}

it('the curl examples of "Automating Portcullis" run as written', async () => {
  const [block] = shBlocks();
  expect(block).toMatch(/admin bootstrap --id ci-bot --bearer/);
  await startIssuer();
  const run = await bash(localize(block));
  expect(run.code).toBe(0);
  let from = 0;
  for (const answer of block.split('\n').filter((l) => /^# [[{].*[\]}]$/.test(l)).map((l) => localize(l.slice(2)))) {
    const at = run.output.indexOf(answer, from);
    if (at < 0) throw new Error(`expected ${answer} in the output after position ${from}:\n${run.output}`);
    from = at + answer.length;
  }
  expect(from).toBeGreaterThan(0);
  expect(run.output).toMatch(/^204$/m);
});
