/**
 * FINGERPRINT_MISMATCH=step_up: a bound token presented with another device's
 * fingerprint is inactive with the RFC 9470 step-up hint, every earlier token of the
 * user needs a new sign-in, and the risk log records the signal and the decision.
 * (The default, `inactive`, answers exactly {active:false}: binding.test.ts.)
 */
import { stepUpSubject } from '../../../src/risk/index.js';
import { tokensFor, type SignIn } from '../users/browser.js';
import { API, REDIRECT, startUsersWorld, type UsersWorld } from '../users/setup.js';
import { fp, introspect, LAPTOP, OTHER_DEVICE, PASSWORD } from './world.js';

let w: UsersWorld;
let offsetMs = 0;

beforeAll(async () => {
  w = await startUsersWorld({ FINGERPRINT_MISMATCH: 'step_up' }, { now: () => Date.now() + offsetMs });
  await w.users.add({ username: 'bob', password: PASSWORD });
});
afterAll(async () => { await w?.t.close(); });

const bob: () => SignIn = () => ({ config: w.web, redirectUri: REDIRECT, username: 'bob', password: PASSWORD, params: { resource: API }, fingerprint: fp(LAPTOP) });
const HINT = { error: 'insufficient_user_authentication', acr_values: expect.any(String) };

it('another device: inactive with the step-up hint, earlier tokens too; the log has the signal and decision', async () => {
  const first = (await tokensFor(bob())).tokens.access_token;
  const second = (await tokensFor(bob())).tokens.access_token;
  expect((await introspect(w, first, { fingerprint: fp(LAPTOP) })).body.active).toBe(true);
  offsetMs = 2000; // the requirement starts after both sign-ins (auth_time has whole seconds)

  const replayed = await introspect(w, first, { fingerprint: fp(OTHER_DEVICE) });
  expect(replayed).toEqual({ status: 200, body: { active: false, step_up: HINT } });
  const other = await introspect(w, second, { fingerprint: fp(LAPTOP) });
  expect(other).toEqual({ status: 200, body: { active: false, step_up: HINT } });

  const rows = await w.t.issuer.db.prisma.riskEvent.findMany({ where: { subjectKey: w.t.issuer.risk.keys.ofName('bob') }, orderBy: { at: 'asc' } });
  expect(rows).toEqual(expect.arrayContaining([
    expect.objectContaining({ kind: 'signal', name: 'fingerprint_mismatch' }),
    expect.objectContaining({ kind: 'decision', name: 'step_up', decision: 'step_up' }),
  ]));
  const user = await w.users.find('bob');
  expect(await w.t.issuer.db.prisma.riskStepUp.findUnique({ where: { subject: stepUpSubject(w.t.issuer.risk.keys.ofUser(user!.id)) } })).toMatchObject({ acr: replayed.body.step_up && (replayed.body.step_up as { acr_values: string }).acr_values });
});

it('a missing fingerprint is not a mismatch (no requirement, no hint)', async () => {
  await w.users.add({ username: 'carol', password: PASSWORD });
  const token = (await tokensFor({ ...bob(), username: 'carol' })).tokens.access_token;
  expect((await introspect(w, token)).body.active).toBe(true);
  const carol = await w.users.find('carol');
  expect(await w.t.issuer.db.prisma.riskStepUp.count({ where: { subject: stepUpSubject(w.t.issuer.risk.keys.ofUser(carol!.id)) } })).toBe(0);
});
