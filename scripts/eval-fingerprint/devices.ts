/**
 * Simulated devices for headless Chromium: each device is a set of hardware and
 * software traits applied with an init script before any page script runs (platform,
 * CPU cores, memory, WebGL vendor and renderer, canvas rendering, installed fonts),
 * and each run of a device may add legitimate changes through the browser context
 * (user-agent version bump, window size, language, timezone, device scale factor).
 * Shared by `npm run eval:fingerprint` and the Chromium fingerprint test.
 */
import type { Browser, BrowserContextOptions } from 'playwright-core';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export interface Device { id: string; platform: string; cores: number; memory: number; gpu: [string, string]; canvasSeed: number; fonts: string[] }
export interface Change { userAgentBump?: boolean; viewport?: { width: number; height: number }; locale?: string; timezoneId?: string; deviceScaleFactor?: number }

const PLATFORMS = ['Linux x86_64', 'Win32', 'MacIntel'];
const GPUS: [string, string][] = [
  ['Intel Inc.', 'Intel Iris OpenGL Engine'], ['Google Inc. (NVIDIA)', 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)'],
  ['Google Inc. (AMD)', 'ANGLE (AMD, AMD Radeon RX 6600 Direct3D11 vs_5_0 ps_5_0)'], ['Google Inc. (Intel)', 'ANGLE (Intel, Intel(R) UHD Graphics 620 Direct3D11 vs_5_0 ps_5_0)'],
  ['Apple Inc.', 'Apple M1'], ['Mesa', 'llvmpipe (LLVM 15.0.6, 256 bits)'],
];
// families FingerprintJS probes; a device "has" a subset of them
const FONT_POOL = ['Calibri', 'Century Gothic', 'Helvetica Neue', 'Menlo', 'Segoe UI Light', 'Lucida Bright', 'Gill Sans', 'Batang', 'Marlett', 'Univers CE 55 Medium', 'Meiryo UI', 'Futura Bk BT'];

/** A deterministic pseudo-random generator (so runs are repeatable). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** `n` devices drawn from small pools (collisions on single traits happen, as on real fleets). */
export function makeDevices(n: number, seed = 6): Device[] {
  const r = prng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  return Array.from({ length: n }, (_, i) => {
    const gpuIndex = Math.floor(r() * GPUS.length);
    return {
      id: `d${i}`, platform: pick(PLATFORMS), cores: pick([4, 8, 12, 16]), memory: pick([4, 8, 16]), gpu: GPUS[gpuIndex],
      // the canvas depends on GPU and driver: same GPU, often the same drawing
      canvasSeed: gpuIndex * 10 + Math.floor(r() * 3), fonts: FONT_POOL.filter(() => r() < 0.4),
    };
  });
}

/** The init script that makes Chromium look like `d`. */
export function deviceScript(d: Device): string {
  return `(() => {
  const def = (o, k, v) => Object.defineProperty(o, k, { get: () => v, configurable: true });
  def(Navigator.prototype, 'platform', ${JSON.stringify(d.platform)});
  def(Navigator.prototype, 'hardwareConcurrency', ${d.cores});
  def(Navigator.prototype, 'deviceMemory', ${d.memory});
  for (const C of [self.WebGLRenderingContext, self.WebGL2RenderingContext]) {
    if (!C) continue;
    const get = C.prototype.getParameter;
    C.prototype.getParameter = function (p) {
      if (p === 0x1F00 || p === 0x9245) return ${JSON.stringify(d.gpu[0])};
      if (p === 0x1F01 || p === 0x9246) return ${JSON.stringify(d.gpu[1])};
      return get.call(this, p);
    };
  }
  const toDataURL = HTMLCanvasElement.prototype.toDataURL;
  HTMLCanvasElement.prototype.toDataURL = function (...a) {
    const ctx = this.getContext('2d');
    // one opaque pixel, overwritten the same way each time: the drawing stays stable per device
    if (ctx) { ctx.fillStyle = 'rgb(${d.canvasSeed % 256}, ${(d.canvasSeed * 7) % 256}, ${(d.canvasSeed * 13) % 256})'; ctx.fillRect(0, 0, 1, 1); }
    return toDataURL.apply(this, a);
  };
  const fonts = ${JSON.stringify(d.fonts)};
  const width = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetWidth');
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get() {
    const w = width.get.call(this);
    const family = this.style && this.style.fontFamily || '';
    return fonts.some((f) => family.includes(f)) ? w + 3 : w;
  } });
})();`;
}

const BASE_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/VER.0.0.0 Safari/537.36';

/** Context options of one run of a device with some legitimate changes. */
export function contextOptions(c: Change = {}): BrowserContextOptions {
  return {
    userAgent: BASE_UA.replace('VER', c.userAgentBump ? '132' : '131'),
    viewport: c.viewport ?? { width: 1280, height: 800 },
    locale: c.locale ?? 'en-GB',
    timezoneId: c.timezoneId ?? 'Europe/London',
    deviceScaleFactor: c.deviceScaleFactor ?? 1,
  };
}

/** Legitimate changes a device goes through (one run each). */
export const LEGITIMATE_CHANGES: Change[] = [
  { userAgentBump: true },
  { viewport: { width: 1920, height: 1080 } },
  { locale: 'fr-FR' },
  { timezoneId: 'America/New_York' },
  { deviceScaleFactor: 2 },
  { userAgentBump: true, timezoneId: 'Asia/Tokyo', viewport: { width: 1024, height: 700 } },
];

/**
 * Loads `url` as device `d` with change `c` and runs the collector (the page includes
 * /fingerprint.js, or `scriptUrl` is added to it); returns the collector's JSON and
 * what the server would see.
 */
export async function collect(browser: Browser, url: string, d: Device, c: Change = {}, scriptUrl?: string): Promise<{ fingerprint: string; userAgent: string; acceptLanguage: string }> {
  const options = contextOptions(c);
  const context = await browser.newContext(options);
  try {
    await context.addInitScript(deviceScript(d));
    const page = await context.newPage();
    await page.goto(url);
    if (scriptUrl) await page.addScriptTag({ url: scriptUrl });
    const fingerprint = await page.evaluate(() => (window as unknown as { portcullisFingerprint(): Promise<string> }).portcullisFingerprint());
    return { fingerprint, userAgent: options.userAgent!, acceptLanguage: options.locale! };
  } finally {
    await context.close();
  }
}
