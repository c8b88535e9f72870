/**
 * The SDK as a stranger gets it: `npm pack` in packages/sdk, the tarball installed into
 * a fresh project outside this repository (no workspace link: jose comes from the
 * registry, or npm's cache of it), a TypeScript program that imports every export of
 * every entry point type-checked with `tsc --strict`, then run against a live issuer:
 * local verification, the primitives, DPoP proofs (replay, nonces), Koa and
 * Express-style middleware, introspection, a revocation pushed to its SET receiver and
 * enforced, and a subject revocation enforced (test/fixtures/sdk-consumer/consumer.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addRole, assignRole } from '../../../src/authz/index.js';
import { addReceiver } from '../../../src/events/index.js';
import { startTestIssuer, freePort, type TestIssuer } from '../../support/issuer.js';
import { openingSecretOf } from '../../support/binding.js';

const REPO = process.cwd();
const API = 'https://api.stranger.test';
const CLIENT = 'stranger-app';
const CLIENT_SECRET = 'stranger-app-secret-0123456789-abcdefghij';
const INTROSPECTOR = 'stranger-rs';
const INTROSPECTOR_SECRET = 'stranger-rs-secret-0123456789-abcdefghijk';

let root: string;
let project: string;
let t: TestIssuer | undefined;

/** The environment of someone outside this repository: no npm run variables. */
function strangerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
  return { ...env, ...extra };
}

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, env: strangerEnv(), encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'portcullis-sdk-stranger-'));
  project = join(root, 'project');
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', root], join(REPO, 'packages', 'sdk'))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed[0].files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/token/index.d.ts', 'dist/binding/index.d.ts', 'dist/fingerprint/index.d.ts']));
  expect(files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'CHANGELOG.md'].includes(f))).toEqual([]);
  await run('mkdir', ['-p', project], root);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'stranger', version: '1.0.0', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(root, packed[0].filename), 'koa@3.3.0', '@types/koa@3.0.3', '@types/node@24.19.4'], project);
  await copyFile(join(REPO, 'test', 'fixtures', 'sdk-consumer', 'consumer.ts'), join(project, 'consumer.ts'));
}, 600_000);

afterAll(async () => {
  await t?.close();
  await rm(root, { recursive: true, force: true });
});

it('installs as a package of its own: a real folder, depending on jose only', async () => {
  expect((await lstat(join(project, 'node_modules', '@portcullis', 'sdk'))).isSymbolicLink()).toBe(false);
  const manifest = JSON.parse(await readFile(join(project, 'node_modules', '@portcullis', 'sdk', 'package.json'), 'utf8')) as Record<string, unknown>;
  expect(manifest.dependencies).toEqual({ jose: expect.stringMatching(/^\^6\./) });
  expect(manifest.private).toBeUndefined();
  const lock = await readFile(join(project, 'package-lock.json'), 'utf8');
  expect(lock).not.toMatch(/"link": true/);
});

it('the program using every export type-checks with tsc --strict', async () => {
  const consumer = await readFile(join(project, 'consumer.ts'), 'utf8');
  const imported = new Set([...consumer.matchAll(/import \{([^}]*)\} from '@portcullis\/sdk[^']*'/g)].flatMap((m) => m[1].split(',')).map((n) => n.trim().replace(/^type /, '')).filter(Boolean));
  for (const entry of ['index', 'token/index', 'binding/index', 'fingerprint/index']) {
    const declarations = await readFile(join(project, 'node_modules', '@portcullis', 'sdk', 'dist', `${entry}.d.ts`), 'utf8');
    const exported = [...declarations.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => m[1].split(',')).map((n) => n.trim()).filter(Boolean);
    expect(exported.filter((name) => !imported.has(name))).toEqual([]);
  }
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const checked = spawnSync(process.execPath, [tsc, '--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2023', '--types', 'node', 'consumer.ts'], { cwd: project, encoding: 'utf8' });
  expect(checked.stdout + checked.stderr).toBe('');
});

it('runs against a live issuer: local verification, DPoP, middleware, a pushed revocation and a subject revocation enforced', async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['reports', 'documents'], introspector: INTROSPECTOR });
  await t.addClient({ id: CLIENT, secret: CLIENT_SECRET, scopes: ['reports', 'documents'], audiences: [API] });
  await t.addClient({ id: INTROSPECTOR, secret: INTROSPECTOR_SECRET, scopes: [], audiences: [] });
  await addRole(t.issuer.db, 'analyst', ['reports:read', 'documents:read']);
  await assignRole(t.issuer.db, { kind: 'client', id: CLIENT }, 'analyst');
  const receiverPort = await freePort();
  await addReceiver(t.issuer.db, { clientId: INTROSPECTOR, audience: API, delivery: 'push', endpointUrl: `http://127.0.0.1:${receiverPort}/events` });
  const issuer = t;
  const child = spawn(process.execPath, ['consumer.ts'], {
    cwd: project,
    env: strangerEnv({
      ISSUER: issuer.url, AUDIENCE: API, OPENING_SECRET: await openingSecretOf(issuer, API), CLIENT_ID: CLIENT, CLIENT_SECRET,
      INTROSPECTOR_ID: INTROSPECTOR, INTROSPECTOR_SECRET, RECEIVER_PORT: String(receiverPort),
    }),
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('ready for a subject revocation\n') && !output.includes('[revoked]')) {
      output += '[revoked]\n';
      void issuer.issuer.tokens.revokeSubject(CLIENT).then(() => child.stdin.write('subject revoked\n'));
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(output).toMatch(/verified locally\nprimitives ok\ndpop ok\nmiddleware ok\nverified by introspection\nrevocation enforced\nready for a subject revocation\n\[revoked\]\nsubject revocation enforced\ndone/);
  expect(code).toBe(0);
});
