/**
 * autocannon, driven programmatically on loopback: a short warm-up, then the
 * measured run. Any non-2xx answer, connection error, timeout or body that fails
 * `verify` makes the run throw, so a figure is never printed for failing requests.
 */
import { createRequire } from 'node:module';
import type { HttpRequest } from './requests.js';

interface Histogram { average: number; mean: number; p50: number; p99: number; total: number }
interface AutocannonResult {
  requests: Histogram; latency: Histogram; duration: number;
  non2xx: number; errors: number; timeouts: number; mismatches: number; '2xx': number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

// autocannon ships no types; this file is the only place that touches it.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadOptions {
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** true when a response body is what the scenario expects */
  verify(body: string): boolean;
  /** the server's CPU seconds so far, sampled around the measured run */
  serverCpu?: () => number;
}

export interface LoadFigures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  requests: number;
  /** server CPU (all threads) per completed request, in microseconds; NaN if unknown */
  cpuPerRequest: number;
}

async function fire(req: HttpRequest, opts: LoadOptions, seconds: number): Promise<AutocannonResult> {
  return autocannon({
    url: req.url, method: req.method, headers: req.headers, body: req.body,
    connections: opts.connections, duration: seconds, timeout: 10, verifyBody: opts.verify,
  });
}

function problems(r: AutocannonResult): string[] {
  const out: string[] = [];
  if (r.non2xx > 0) out.push(`${r.non2xx} non-2xx responses`);
  if (r.errors > 0) out.push(`${r.errors} connection errors (${r.timeouts} timeouts)`);
  if (r.mismatches > 0) out.push(`${r.mismatches} responses with an unexpected body`);
  if (r['2xx'] === 0) out.push('no 2xx response at all');
  return out;
}

/** Warms up, measures, and returns req/s, p50/p99 latency (ms) and the non-2xx count. */
export async function measure(label: string, req: HttpRequest, opts: LoadOptions): Promise<LoadFigures> {
  if (opts.warmupSeconds > 0) {
    const warm = await fire(req, opts, opts.warmupSeconds);
    const bad = problems(warm);
    if (bad.length) throw new Error(`${label}: warm-up failed: ${bad.join(', ')}`);
  }
  const cpuBefore = opts.serverCpu?.() ?? Number.NaN;
  const r = await fire(req, opts, opts.seconds);
  const cpu = (opts.serverCpu?.() ?? Number.NaN) - cpuBefore;
  const bad = problems(r);
  if (bad.length) throw new Error(`${label}: FAILED: ${bad.join(', ')} (of ${r.requests.total} requests)`);
  const cpuPerRequest = (cpu * 1e6) / r['2xx'];
  return { rps: r['2xx'] / r.duration, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, requests: r.requests.total, cpuPerRequest };
}
