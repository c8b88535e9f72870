/** A users world (test/integration/users/setup.ts) plus fingerprint helpers shared by the fingerprint suites. */
import * as client from 'openid-client';
import type { FingerprintOutcome } from '../../../src/fingerprint/index.js';
import { startUsersWorld, type UsersWorld } from '../users/setup.js';

export const PASSWORD = 'correct horse battery';

/** A plausible collector output of one laptop. */
export const LAPTOP: Record<string, string | number | boolean> = {
  canvas: 'c1a9f0', audio: '124.04347527516074', fonts: 'f-laptop', fontPreferences: 'fp1', webGlBasics: 'ANGLE Intel', webGlExtensions: 'wx1', math: 'm1',
  platform: 'Linux x86_64', hardwareConcurrency: 8, deviceMemory: 8, architecture: 127, vendor: 'Google Inc.', vendorFlavors: '["chrome"]',
  touchSupport: 't0', colorDepth: 24, colorGamut: 'srgb', plugins: 'p1', inputDevices: 'pointer:fine,hover:hover', cookiesEnabled: true,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0', browserMajor: 'Chrome 131', screenResolution: '[1920,1080]',
  languages: '[["en-GB"]]', dateTimeLocale: 'en-GB', timezone: 'Europe/London',
};
export const OTHER_DEVICE = { ...LAPTOP, canvas: 'ffee01', audio: '35.7', fonts: 'f-other', fontPreferences: 'fp2', webGlBasics: 'ANGLE NVIDIA', webGlExtensions: 'wx2', platform: 'Win32' };
export const UPDATED = { ...LAPTOP, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/132.0.0.0', browserMajor: 'Chrome 132', screenResolution: '[2560,1440]', timezone: 'America/New_York' };

export interface FingerprintWorld extends UsersWorld { outcomes: FingerprintOutcome[] }

/** Starts the world with an outcome listener, and a required-policy client `strict` and an opt-out client `nofp`. */
export async function startFingerprintWorld(env: Record<string, string> = {}): Promise<FingerprintWorld> {
  const outcomes: FingerprintOutcome[] = [];
  const w = await startUsersWorld(env, { onFingerprintOutcome: (o) => outcomes.push(o) });
  return { ...w, outcomes };
}

/** POST /introspect as a confidential client (`web` unless given) with extra form parameters. */
export async function introspect(w: UsersWorld, token: string, extra: Record<string, string> = {}, as = { id: 'web', secret: w.secret }): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${w.t.url}/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${as.id}:${as.secret}`).toString('base64')}` },
    body: new URLSearchParams({ token, ...extra }),
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

export const fp = (o: object) => JSON.stringify(o);
export { client };
