/**
 * Hostile input and address handling: a spoofed X-Forwarded-For from an untrusted peer
 * is ignored (it can neither dodge nor frame the deny list), a trusted proxy's is
 * believed; deny-listed addresses are refused at /token and at the login form; a bad
 * IP list file stops start-up with an error naming the file and line; a burst of
 * inactive tokens is recorded (the resource server is not locked out), replayed DPoP
 * proofs lock the client; fingerprint observations (the fingerprinting entry
 * point) are scored and notify the user of a new device.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config/index.js';
import { IpListError, listRiskEvents, unlockClient } from '../../../src/risk/index.js';
import { startIssuer } from '../../../src/server/index.js';
import { builtinPurgeTasks } from '../../../src/jobs/index.js';
import { createUserService } from '../../../src/users/index.js';
import { leaksInternals, serverErrors, startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { eventually } from '../../support/receivers.js';
import { startRecorder, type Recorder } from './receiver.js';

const API = 'https://api.risk.test';
let dir: string;

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'risk-hostile-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

let offsetMs = 0;
async function world(env: Record<string, string>): Promise<{ t: TestIssuer; secret: string }> {
  const t = await startTestIssuer({ THROTTLE_ENABLED: 'false', ...env }, { now: () => Date.now() + offsetMs });
  await t.addResource({ audience: API, scopes: ['read'] });
  const secret = await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
  return { t, secret };
}

function tokenRequest(t: TestIssuer, secret: string, headers: Record<string, string> = {}, path = '/token', body = 'grant_type=client_credentials') {
  return fetch(`${t.url}${path}`, {
    method: 'POST', body,
    headers: { authorization: `Basic ${Buffer.from(`svc:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** POST from a chosen loopback source address (Linux routes all of 127/8 to lo). */
function fromAddress(t: TestIssuer, secret: string, localAddress: string, forwardedFor: string): Promise<{ status: number; text: string }> {
  const url = new URL(`${t.url}/token`);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: '/token', method: 'POST', localAddress, headers: {
      authorization: `Basic ${Buffer.from(`svc:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor,
    } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end('grant_type=client_credentials');
  });
}

describe('client address and deny list', () => {
  it('ignores X-Forwarded-For from an untrusted peer (it can neither dodge nor frame the deny list) and believes a trusted proxy', async () => {
    const { t, secret } = await world({ RISK_DENY_IPS: '127.0.0.2,203.0.113.0/24', TRUSTED_PROXIES: '127.0.0.3' });
    try {
      const dodged = await fromAddress(t, secret, '127.0.0.2', '8.8.8.8');
      expect(dodged.status).toBe(403);
      expect(JSON.parse(dodged.text)).toEqual({ error: 'invalid_request', error_description: 'requests from this address are refused' });
      expect(leaksInternals(dodged.text)).toBe(false);
      expect((await fromAddress(t, secret, '127.0.0.1', '203.0.113.66')).status).toBe(200); // not framed
      expect((await fromAddress(t, secret, '127.0.0.3', '203.0.113.66')).status).toBe(403); // the proxy says who
      expect((await fromAddress(t, secret, '127.0.0.3', '198.51.100.1')).status).toBe(200);
      expect(serverErrors(t.logs)).toEqual([]);
    } finally { await t.close(); }
  });

  it('refuses to start with a malformed or huge IP list file, naming the file and line', async () => {
    const bad = join(dir, 'deny.txt');
    await writeFile(bad, '# deny\n10.0.0.0/8\n10.0.0.0/99\n');
    await expect(startTestIssuer({ RISK_DENY_IPS_FILE: bad })).rejects.toThrow(IpListError);
    await expect(startTestIssuer({ RISK_WATCH_IPS_FILE: bad })).rejects.toThrow(`${bad}:3: not an IP address or CIDR block`);
    const huge = join(dir, 'huge.txt');
    await writeFile(huge, '10.0.0.1\n'.repeat(5000));
    await expect(startTestIssuer({ RISK_DENY_IPS_FILE: huge, RISK_IP_LIST_MAX: '100' })).rejects.toThrow(/huge.txt: .*too large/);
  });

  it('refuses to start with a RISK_GEOIP_DB that is not a MaxMind DB, naming it, before opening the database', async () => {
    const notDb = join(dir, 'city.mmdb');
    await writeFile(notDb, 'not a MaxMind database');
    const dataDir = join(dir, 'geo-data');
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, KEYS_DIR: join(dir, 'geo-keys'), LOG_LEVEL: 'silent', RISK_GEOIP_DB: notDb });
    await expect(startIssuer(config, pino({ level: 'silent' }))).rejects.toThrow(/RISK_GEOIP_DB/);
    await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' }); // no database was created
  });
});

describe('patterns and fingerprints', () => {
  let t: TestIssuer;
  let secret: string;
  let hook: Recorder;

  beforeAll(async () => {
    hook = await startRecorder(200);
    ({ t, secret } = await world({ RISK_INVALID_TOKEN_BURST: '5', RISK_WEBHOOK_URL: hook.url, RISK_FINGERPRINT_CHANGES: '2' }));
  });
  afterAll(async () => {
    expect(serverErrors(t.logs)).toEqual([]);
    await t.close();
    await hook.close();
  });

  it('records a burst of invalid tokens from one presenter, without locking the resource server out', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await tokenRequest(t, secret, {}, '/introspect', `token=forged.${i}.token&presenter_ip=198.51.100.77`);
      expect(await res.json()).toEqual({ active: false });
    }
    const signals = await listRiskEvents(t.issuer.db, { kind: 'signal', name: 'invalid_token_burst' });
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ clientId: null, ipCoarse: '198.51.100.0/24', score: 100, details: { caller: 'svc' } });
    expect((await listRiskEvents(t.issuer.db, { kind: 'decision' }))[0]).toMatchObject({ name: 'allow_and_record' });
    expect((await tokenRequest(t, secret)).status).toBe(200); // a DoS through junk tokens is not possible
  });

  it('locks a client whose DPoP proofs are replayed (a captured proof is being used)', async () => {
    await t.issuer.risk.dpopReplayed('svc', '203.0.113.4');
    await t.issuer.risk.dpopReplayed('svc', '203.0.113.4');
    offsetMs += 2000; // past the one-second lockout cache of the gate (injected clock)
    const locked = await tokenRequest(t, secret);
    expect(locked.status).toBe(401);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(880);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(900);
    expect(await locked.json()).toEqual({ error: 'invalid_client', error_description: 'the client is temporarily locked out' });
    expect(await unlockClient(t.issuer.db, 'svc', 'admin')).toBe(true);
    offsetMs += 2000;
    expect((await tokenRequest(t, secret)).status).toBe(200);
    expect((await listRiskEvents(t.issuer.db, { kind: 'override' }))[0]).toMatchObject({ name: 'unlock', clientId: 'svc' });
  });

  it('scores fingerprint observations from the fingerprinting entry point and tells the user about a new device', async () => {
    const at = Date.now();
    const gina = await createUserService({ db: t.issuer.db, kek: t.kek, issuer: t.url }).add({ username: 'gina', password: 'correct horse battery' });
    const observe = (outcome: 'drift' | 'mismatch', i: number) => t.issuer.risk.observeFingerprint({ subject: gina.id, session: 's-1', clientId: 'web', outcome, score: 0.4, ip: '127.0.0.1', at: at + i });
    expect(await observe('mismatch', 0)).toBe('allow_and_record');
    await eventually('new device notification', 5000, () => hook.bodies.length > 0);
    expect(Buffer.from(hook.bodies[0].body.split('.')[1], 'base64url').toString()).toContain('"type":"new_device"');
    await observe('drift', 1);
    expect(await observe('drift', 2)).toBe('step_up');
    const names = (await listRiskEvents(t.issuer.db, { subjectKeys: [t.issuer.risk.keys.ofName('gina')] })).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['new_device', 'fingerprint_velocity', 'step_up']));
  });

  it('the purge job deletes log rows older than RISK_EVENT_RETENTION and keeps newer ones', async () => {
    const task = builtinPurgeTasks({ db: t.issuer.db, config: t.config, revocation: undefined as never }).find((p) => p.name === 'risk-events')!;
    expect(await task.purge(new Date())).toBe(0);
    const before = await t.issuer.db.prisma.riskEvent.count();
    expect(before).toBeGreaterThan(0);
    expect(await task.purge(new Date(Date.now() + 91 * 86_400_000))).toBeGreaterThanOrEqual(before);
    expect(await t.issuer.db.prisma.riskEvent.count()).toBe(0);
  });
});
