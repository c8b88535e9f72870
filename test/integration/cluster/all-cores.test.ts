/**
 * All cores: `WEB_CONCURRENCY=2` runs a supervisor and two cluster-mode issuer processes
 * on one port (the real `node dist/src/main.js`). A worker killed with SIGKILL is
 * replaced while the other keeps serving; SIGHUP replaces every worker one by one
 * while clients keep calling, and not one request fails; an embedded issuer refuses to
 * run more than one process.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { dropSchema, PG_URL } from '../storage/support.js';
import { generateKek } from '../../../src/keys/index.js';
import { adminOk, assertBuilt, freePort, MAIN, runScript, startIssuerProcess, stopAllIssuers, waitFor, type IssuerProcess } from '../admin/processes.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SCHEMA = `t_cores_${randomBytes(4).toString('hex')}`;
const API = 'https://api.all-cores.test';
const SECRET = 'all-cores-secret-0123456789-abcdefghijklm';

let env: Record<string, string>;
let primary: IssuerProcess;
let token: string;

/** The supervisor's worker processes. */
const workers = (): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(primary.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number).sort();
  } catch {
    return []; // pgrep exits 1 when there are none
  }
};

/** POST /introspect on a connection of its own (each request may reach another worker). */
function introspect(): Promise<boolean> {
  const body = new URLSearchParams({ token }).toString();
  return new Promise((resolve) => {
    const req = request(`${primary.url}/introspect`, {
      method: 'POST', agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), authorization: `Basic ${Buffer.from(`rs:${SECRET}`).toString('base64')}` },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => { text += s; }).on('end', () => resolve(res.statusCode === 200 && text.includes('"active":true')));
    });
    req.on('error', () => resolve(false));
    // An unanswered request is a failure, not a hang: a connection the supervisor was
    // handing to a worker as it was killed is held by node:cluster and never answered.
    req.setTimeout(5000, () => req.destroy());
    req.end(body);
  });
}

/** `loops` clients calling back to back until `until` resolves; counts answers. */
async function underLoad<T>(loops: number, until: () => Promise<T>) {
  const tally = { ok: 0, failed: 0, okAt: [] as number[] };
  let done = false;
  const clients = Array.from({ length: loops }, async () => {
    while (!done) {
      if (await introspect()) { tally.ok++; tally.okAt.push(Date.now()); }
      else tally.failed++;
    }
  });
  try {
    return { result: await until(), tally };
  } finally {
    done = true;
    await Promise.all(clients);
  }
}

beforeAll(async () => {
  assertBuilt();
  const port = await freePort();
  env = {
    DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, REDIS_URL, PORTCULLIS_KEK: generateKek(), ISSUER: `http://127.0.0.1:${port}`,
    WEB_CONCURRENCY: '2', LOG_LEVEL: 'info', THROTTLE_INTROSPECT: 'ip=1000000/1m,client=1000000/1m',
  };
  primary = await startIssuerProcess(port, env);
  await waitFor('two workers', 30_000, async () => workers().length === 2);
  await adminOk(['resource', 'add', '--audience', API, '--scopes', 'read', '--introspector', 'rs'], env);
  await adminOk(['client', 'add', '--id', 'rs', '--secret-stdin', '--grants', 'client_credentials', '--scopes', 'read', '--audience', API], env, SECRET);
  const res = await fetch(`${primary.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`rs:${SECRET}`).toString('base64')}` }, body: new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }) });
  token = ((await res.json()) as { access_token: string }).access_token;
  await waitFor('the token active on both workers', 10_000, async () => (await Promise.all([introspect(), introspect(), introspect(), introspect()])).every(Boolean));
}, 120_000);

afterAll(async () => {
  await stopAllIssuers();
  await dropSchema(SCHEMA);
});

it('a killed worker is replaced, and the other serves meanwhile', async () => {
  const before = workers();
  expect(before).toHaveLength(2);
  let killedAt = 0;
  let listeningAt = 0;
  const { result: after, tally } = await underLoad(2, async () => {
    process.kill(before[0], 'SIGKILL');
    killedAt = Date.now();
    const now = await waitFor('a replacement worker', 30_000, async () => { const pids = workers(); return pids.length === 2 && !pids.includes(before[0]) ? pids : undefined; });
    const fresh = now.find((pid) => !before.includes(pid));
    await waitFor('the replacement listening', 30_000, async () => new RegExp(`"pid":${fresh},[^\n]*issuer listening`).test(primary.output()));
    listeningAt = Date.now();
    return now;
  });
  expect(after).toContain(before[1]);
  expect(tally.okAt.filter((t) => t > killedAt && t < listeningAt).length).toBeGreaterThan(0); // the other worker served meanwhile
  expect(tally.failed).toBeLessThanOrEqual(1); // at most the request on its way to the killed worker
  const again = await Promise.all(Array.from({ length: 20 }, introspect));
  expect(again.every(Boolean)).toBe(true);
  expect(primary.output()).toMatch(/worker\.crashed/);
}, 60_000);

it('SIGHUP replaces every worker one by one, and no request fails', async () => {
  const before = workers();
  const { tally } = await underLoad(4, async () => {
    process.kill(primary.pid, 'SIGHUP');
    await waitFor('every worker replaced', 60_000, async () => { const now = workers(); return now.length === 2 && now.every((p) => !before.includes(p)) && /workers\.reloaded/.test(primary.output()); }, 100)
      .catch((err: unknown) => { throw new Error(`${String(err)}\n${primary.output().split('\n').filter((l) => /worker|shutting|listening|rror/.test(l)).join('\n')}`); });
  });
  expect(tally.failed).toBe(0);
  expect(tally.ok).toBeGreaterThan(20);
  expect(workers()).toHaveLength(2);
}, 90_000);

it('SIGTERM stops the supervisor and its workers', async () => {
  const children = workers();
  expect(await primary.stop()).toBe(0);
  for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
}, 30_000);

it('embedded mode refuses more than one process, naming the setting', async () => {
  const r = await runScript(MAIN, [], { WEB_CONCURRENCY: '2', DATA_DIR: '/nonexistent', KEYS_DIR: '/nonexistent' });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/WEB_CONCURRENCY.*cluster mode/);
});
