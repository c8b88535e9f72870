/**
 * `npm run eval:fingerprint`: false-accept and false-reject rates of the fingerprint
 * scorer on fingerprints taken from real headless Chromium runs (docs/fingerprint.md).
 *
 * Simulated devices (scripts/eval-fingerprint/devices.ts) each sign in once (the
 * baseline) and then come back with legitimate changes (user-agent version bump,
 * window size, language, timezone, device scale factor): each of those must be
 * accepted (match or drift), else it is a false reject. Every baseline is also
 * compared with every run of every other device: an accept there is a false accept.
 * The exact-digest tier counts as an accept. Prints the rates at the configured
 * thresholds (FINGERPRINT_MATCH / FINGERPRINT_DRIFT) and a threshold curve.
 *
 * Environment: EVAL_DEVICES (default 14), EVAL_VERBOSE=1 (every pair that is not
 * identical, with the components that differed), plus the FINGERPRINT_* settings.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config/index.js';
import { activeComponents, collectorScript, compareFingerprints, hashComponents, observedComponents, parseFingerprint, sameDigest, similarity, stableDigest, type Hashes } from '../src/fingerprint/index.js';
import { CHROMIUM_FLAGS, collect, LEGITIMATE_CHANGES, makeDevices } from './eval-fingerprint/devices.js';

interface Run { device: string; change: string; hashes: Hashes }

const config = loadConfig(process.env);
const active = activeComponents(config.fingerprint.components, config.fingerprint.highEntropy);
const key = new Uint8Array(randomBytes(32));
const script = collectorScript(active);
const PAGE = '<!doctype html><html lang="en"><head><title>eval</title><script src="/fingerprint.js"></script></head><body><p>eval</p></body></html>';

async function main(): Promise<void> {
  const started = Date.now();
  const server = createServer((req, res) => {
    res.setHeader('content-type', req.url === '/fingerprint.js' ? 'application/javascript' : 'text/html');
    res.end(req.url === '/fingerprint.js' ? script : PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  const devices = makeDevices(Number(process.env.EVAL_DEVICES ?? 14));
  const runs: Run[] = [];
  try {
    for (const d of devices) {
      for (const [i, change] of [{}, ...LEGITIMATE_CHANGES].entries()) {
        const got = await collect(browser, `http://127.0.0.1:${port}/`, d, change);
        // the server adds what it observes; one shared address (the worst case: the attacker on the same network)
        const components = { ...parseFingerprint(got.fingerprint), ...observedComponents({ ip: '203.0.113.7', userAgent: got.userAgent, acceptLanguage: got.acceptLanguage }) };
        runs.push({ device: d.id, change: i === 0 ? 'baseline' : JSON.stringify(change), hashes: hashComponents(key, components, active) });
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  report(runs, Date.now() - started);
}

function accepted(a: Hashes, b: Hashes, threshold: number): boolean {
  if (sameDigest(stableDigest(a, active), stableDigest(b, active))) return true;
  return similarity(a, b, active).score >= threshold;
}

function report(runs: Run[], ms: number): void {
  const baselines = runs.filter((r) => r.change === 'baseline');
  const genuine = runs.filter((r) => r.change !== 'baseline').map((r) => [baselines.find((b) => b.device === r.device)!, r] as const);
  const impostor = baselines.flatMap((b) => runs.filter((r) => r.device !== b.device).map((r) => [b, r] as const));
  const t = { match: config.fingerprint.match, drift: config.fingerprint.drift };
  const rate = (pairs: readonly (readonly [Run, Run])[], ok: (a: Run, b: Run) => boolean) => pairs.filter(([a, b]) => ok(a, b)).length / pairs.length;
  const frr = rate(genuine, (a, b) => !accepted(a.hashes, b.hashes, t.drift));
  const far = rate(impostor, (a, b) => accepted(a.hashes, b.hashes, t.drift));
  const exact = rate(genuine, (a, b) => sameDigest(stableDigest(a.hashes, active), stableDigest(b.hashes, active)));
  const outcomes = genuine.map(([a, b]) => compareFingerprints(a.hashes, b.hashes, active, t).outcome);
  console.log(`fingerprint evaluation: ${baselines.length} devices, ${runs.length} Chromium runs, ${active.length} components, ${(ms / 1000).toFixed(1)} s`);
  console.log(`genuine pairs ${genuine.length} (exact digest ${(exact * 100).toFixed(1)}%; outcomes: ${['match', 'drift', 'mismatch'].map((o) => `${o} ${outcomes.filter((x) => x === o).length}`).join(', ')}), impostor pairs ${impostor.length}`);
  console.log(`at FINGERPRINT_MATCH=${t.match} FINGERPRINT_DRIFT=${t.drift}: FRR ${(frr * 100).toFixed(2)}%  FAR ${(far * 100).toFixed(2)}%  (goal FRR < 2%, FAR < 1%)`);
  const rejected = genuine.filter(([a, b]) => !accepted(a.hashes, b.hashes, t.drift));
  for (const [a, b] of rejected) console.log(`  false reject: ${b.device} ${b.change} score ${similarity(a.hashes, b.hashes, active).score.toFixed(3)} changed ${similarity(a.hashes, b.hashes, active).changed.join(',')}`);
  console.log('\nthreshold  FRR      FAR');
  for (let x = 0.5; x <= 0.951; x += 0.05) {
    console.log(`${x.toFixed(2)}       ${(rate(genuine, (a, b) => !accepted(a.hashes, b.hashes, x)) * 100).toFixed(2).padStart(6)}%  ${(rate(impostor, (a, b) => accepted(a.hashes, b.hashes, x)) * 100).toFixed(2).padStart(6)}%`);
  }
  if (process.env.EVAL_VERBOSE) {
    for (const [a, b] of genuine) { const s = similarity(a.hashes, b.hashes, active); if (s.score < 1) console.log(`  genuine ${b.device} ${b.change} ${s.score.toFixed(3)} ${s.changed.join(',')}`); }
    for (const [a, b] of impostor.filter(([a, b]) => b.change === 'baseline')) { const s = similarity(a.hashes, b.hashes, active); console.log(`  impostor ${a.device}/${b.device} ${s.score.toFixed(3)} ${s.changed.join(',')}`); }
  }
  const scores = impostor.map(([a, b]) => similarity(a.hashes, b.hashes, active).score).sort((p, q) => q - p);
  console.log(`\nhighest impostor score ${scores[0]?.toFixed(3)}; lowest genuine score ${Math.min(...genuine.map(([a, b]) => similarity(a.hashes, b.hashes, active).score)).toFixed(3)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
