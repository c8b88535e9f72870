/**
 * Bad input to the admin CLI and bad configuration for the issuer: each fails with a
 * non-zero exit and exactly one line on stderr saying what is wrong, never a stack
 * trace, and never echoing a secret it was given.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKek } from '../../../src/keys/index.js';
import { assertBuilt, freePort, linesOf, MAIN, runAdmin, runScript, startIssuerProcess, stopAllIssuers, type Exited } from './processes.js';

let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'pc-admin-bad-'));
  env = { DATA_DIR: join(root, 'data'), KEYS_DIR: join(root, 'keys') };
  // A running issuer: the CLI attaches to its database instead of opening PGlite each time.
  const port = await freePort();
  await startIssuerProcess(port, { ...env, ISSUER: `http://127.0.0.1:${port}` });
  // One resource server so `client add` reaches its own checks.
  const seeded = await runAdmin(['resource', 'add', '--audience', 'https://api.example', '--scopes', 'read'], env);
  expect(seeded.code).toBe(0);
});

afterAll(async () => {
  await stopAllIssuers();
  await rm(root, { recursive: true, force: true });
});

/** One stderr line with the given prefix, no stack frame, nothing on stdout. */
function expectOneLine(result: Exited, prefix: string): string {
  const lines = linesOf(result.stderr);
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith(prefix)).toBe(true);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
  return lines[0];
}

const SHORT_SECRET = 'only-31-characters-long-secret!';

describe('admin CLI refuses bad input', () => {
  const usage: Array<{ name: string; args: string[]; message: RegExp; stdin?: string }> = [
    { name: 'no command', args: [], message: /unknown command/ },
    { name: 'an unknown command', args: ['client', 'frobnicate'], message: /unknown command "client frobnicate"/ },
    { name: 'an unknown option', args: ['client', 'list', '--bogus'], message: /--bogus/ },
    { name: 'a missing --id', args: ['client', 'add', '--audience', 'https://api.example'], message: /--id is required/ },
    { name: 'a client audience that is not an absolute URI', args: ['client', 'add', '--id', 'c1', '--audience', 'api.example/relative'], message: /absolute URI/ },
    { name: 'a resource audience that is not an absolute URI', args: ['resource', 'add', '--audience', '/relative', '--scopes', 'read'], message: /absolute URI/ },
    { name: 'a resource audience with a fragment', args: ['resource', 'add', '--audience', 'https://api.example/#frag', '--scopes', 'read'], message: /absolute URI/ },
    { name: 'a secret on stdin shorter than 32 characters', args: ['client', 'add', '--id', 'c1', '--secret-stdin', '--audience', 'https://api.example'], message: /at least 32 characters/, stdin: SHORT_SECRET },
    { name: 'an empty secret on stdin', args: ['client', 'add', '--id', 'c1', '--secret-stdin', '--audience', 'https://api.example'], message: /at least 32 characters/, stdin: '\n' },
    { name: 'a --ttl that is not a duration', args: ['resource', 'add', '--audience', 'https://ttl.example', '--scopes', 'read', '--ttl', '15 minutes'], message: /invalid duration/ },
    { name: 'a --ttl below 30s', args: ['resource', 'add', '--audience', 'https://ttl.example', '--scopes', 'read', '--ttl', '5s'], message: /between 30s and 1d/ },
    { name: 'a --ttl above 1d', args: ['resource', 'add', '--audience', 'https://ttl.example', '--scopes', 'read', '--ttl', '2d'], message: /between 30s and 1d/ },
    { name: 'an unsupported grant', args: ['client', 'add', '--id', 'c1', '--grants', 'password', '--audience', 'https://api.example'], message: /unsupported grant password/ },
    { name: 'client remove without an id', args: ['client', 'remove'], message: /client id/ },
    { name: 'a stray argument', args: ['keys', 'rotate', 'now'], message: /unexpected argument .now./i },
  ];

  it.each(usage)('$name: exit 2, one line', async ({ args, message, stdin }) => {
    const result = await runAdmin(args, env, stdin);
    expect(result.code).toBe(2);
    expect(expectOneLine(result, 'portcullis admin: ')).toMatch(message);
  });

  it.each([['help'], ['--help'], ['-h'], ['user', '--help'], ['client', 'add', '--help']])('%s prints usage lines, exit 0, without opening the database', async (...args) => {
    const result = await runAdmin(args, { ...env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none', PORTCULLIS_KEK: generateKek() });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = linesOf(result.stdout);
    expect(lines[0]).toMatch(/^usage: npm run admin -- /);
    const group = args.length > 1 ? args.slice(0, -1).join(' ') : '';
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) expect(line.trim().startsWith(group)).toBe(true);
  });

  it('does not echo a rejected secret', async () => {
    const result = await runAdmin(['client', 'add', '--id', 'c1', '--secret-stdin', '--audience', 'https://api.example'], env, SHORT_SECRET);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain(SHORT_SECRET);
  });

  it('client remove of an unknown id: non-zero, one line naming it', async () => {
    const result = await runAdmin(['client', 'remove', 'no-such-client'], env);
    expect(result.code).not.toBe(0);
    expect(expectOneLine(result, 'portcullis admin: ')).toMatch(/no client no-such-client/);
  });

  it('a rejected command changes nothing', async () => {
    const clients = await runAdmin(['client', 'list', '--json'], env);
    expect(clients.code).toBe(0);
    // only the account page's own client, which every issuer start registers
    expect((JSON.parse(clients.stdout) as Array<{ id: string }>).map((c) => c.id)).toEqual(['portcullis-account']);
    const resources = await runAdmin(['resource', 'list', '--json'], env);
    expect((JSON.parse(resources.stdout) as Array<{ audience: string }>).map((r) => r.audience)).toEqual(['https://api.example']);
  });

  it('a bad KEK: exit 2, one line that does not echo it', async () => {
    const kek = 'not-a-kek-but-a-secret-looking-value';
    const result = await runAdmin(['client', 'list'], { ...env, PORTCULLIS_KEK: kek });
    expect(result.code).toBe(2);
    expect(expectOneLine(result, 'portcullis admin: ')).toMatch(/KEK/);
    expect(result.stderr).not.toContain(kek);
  });

  it('an unreachable cluster database: exit 1, one line', async () => {
    const closed = await freePort();
    const result = await runAdmin(['client', 'list'], {
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${closed}/test`, PORTCULLIS_KEK: generateKek(),
    });
    expect(result.code).toBe(1);
    expect(expectOneLine(result, 'portcullis admin: ')).toMatch(/ECONNREFUSED/);
  });
});

describe('the issuer refuses bad configuration', () => {
  const cases: Array<{ name: string; bad: Record<string, string>; variable: string }> = [
    { name: 'PORT=abc', bad: { PORT: 'abc' }, variable: 'PORT' },
    { name: 'PORT out of range', bad: { PORT: '70000' }, variable: 'PORT' },
    { name: 'DATABASE_URL=mysql://x', bad: { DATABASE_URL: 'mysql://x' }, variable: 'DATABASE_URL' },
    { name: 'cluster mode without PORTCULLIS_KEK', bad: { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test' }, variable: 'PORTCULLIS_KEK' },
    { name: 'REDIS_URL that is not redis://', bad: { REDIS_URL: 'http://127.0.0.1:6379' }, variable: 'REDIS_URL' },
    { name: 'ISSUER with a query', bad: { ISSUER: 'http://127.0.0.1:3000/?x=1' }, variable: 'ISSUER' },
    { name: 'KEY_RELOAD_INTERVAL that is not a duration', bad: { KEY_RELOAD_INTERVAL: 'soon' }, variable: 'KEY_RELOAD_INTERVAL' },
    { name: 'DATABASE_SCHEMA that is not an identifier', bad: { DATABASE_SCHEMA: 'x; drop table y' }, variable: 'DATABASE_SCHEMA' },
  ];

  it.each(cases)('$name: exit non-zero, one line naming the variable', async ({ bad, variable }) => {
    const result = await runScript(MAIN, [], { ...env, ...bad }, { timeoutMs: 15_000 });
    expect(result.code).not.toBe(0);
    expect(result.signal).toBeNull();
    expect(expectOneLine(result, 'portcullis: ')).toContain(variable);
  });

  it('a malformed PORTCULLIS_KEK: exit non-zero, one line that does not echo it', async () => {
    const kek = 'x'.repeat(44);
    const result = await runScript(MAIN, [], { ...env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test', PORTCULLIS_KEK: kek }, { timeoutMs: 15_000 });
    expect(result.code).not.toBe(0);
    // The KEK is parsed after oidc-provider has loaded: on a supported runtime it prints nothing.
    expect(result.stderr).not.toMatch(/Unsupported runtime/);
    expect(expectOneLine(result, 'portcullis: ')).toMatch(/KEK/);
    expect(result.stderr).not.toContain(kek);
  });
});
