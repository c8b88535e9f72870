/**
 * Prometheus metrics, one registry per app (no global state): tokens issued,
 * introspections by result, revocations, and request durations by route.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DurationHistogram } from './duration-histogram.js';

export interface Metrics {
  registry: Registry;
  tokensIssued: Counter<'kind'>;
  introspections: Counter<'result' | 'path'>;
  /** counts one introspection answer (added to `introspections` when scraped: no label hashing per request) */
  introspected(result: 'active' | 'inactive', path: 'fast' | 'provider'): void;
  revocations: Counter<string>;
  /** request durations by route and status (duration-histogram.ts) */
  requests: DurationHistogram;
  // throttling (issue 9)
  throttled: Counter<'endpoint' | 'key' | 'reason'>;
  lockouts: Counter<'endpoint' | 'key'>;
  throttleDegraded: Gauge<string>;
  throttleFallbacks: Counter<string>;
  // risk (issue 7)
  riskSignals: Counter<'signal'>;
  riskDecisions: Counter<'decision'>;
  // device fingerprints (issue 6)
  fingerprintOutcomes: Counter<'outcome'>;
}

/** Creates the metrics registry. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portcullis_' });
  const answers = { 'active fast': 0, 'inactive fast': 0, 'active provider': 0, 'inactive provider': 0 };
  return {
    registry,
    tokensIssued: new Counter({ name: 'portcullis_tokens_issued_total', help: 'Access tokens issued', labelNames: ['kind'], registers: [registry] }),
    introspections: new Counter({
      name: 'portcullis_introspections_total', help: 'Introspection answers by result, and whether the fast path or oidc-provider answered', labelNames: ['result', 'path'], registers: [registry],
      collect() {
        for (const [key, n] of Object.entries(answers) as [keyof typeof answers, number][]) {
          if (n === 0) continue;
          const [result, path] = key.split(' ');
          this.inc({ result, path }, n);
          answers[key] = 0;
        }
      },
    }),
    introspected: (result, path) => { answers[`${result} ${path}`] += 1; },
    revocations: new Counter({ name: 'portcullis_revocations_total', help: 'Access tokens revoked', registers: [registry] }),
    requests: new DurationHistogram('portcullis_http_request_seconds', 'HTTP request duration', ['route', 'status'], [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registry),
    // throttling (issue 9)
    throttled: new Counter({ name: 'portcullis_throttled_total', help: 'Requests refused with 429, by endpoint, key type and reason (requests, failures, lockout)', labelNames: ['endpoint', 'key', 'reason'], registers: [registry] }),
    lockouts: new Counter({ name: 'portcullis_lockouts_total', help: 'Brute-force lockouts started, by endpoint and key type', labelNames: ['endpoint', 'key'], registers: [registry] }),
    throttleDegraded: new Gauge({ name: 'portcullis_throttle_degraded', help: '1 while Redis is unreachable and limits are enforced per process by the local insurance limiter', registers: [registry] }),
    throttleFallbacks: new Counter({ name: 'portcullis_throttle_fallbacks_total', help: 'Limiter operations answered by the local insurance limiter because Redis failed', registers: [registry] }),
    // risk (issue 7)
    riskSignals: new Counter({ name: 'portcullis_risk_signals_total', help: 'Risk signals observed, by signal', labelNames: ['signal'], registers: [registry] }),
    riskDecisions: new Counter({ name: 'portcullis_risk_decisions_total', help: 'Risk decisions other than allow, by decision', labelNames: ['decision'], registers: [registry] }),
    // device fingerprints (issue 6)
    fingerprintOutcomes: new Counter({ name: 'portcullis_fingerprint_outcomes_total', help: 'Fingerprint comparisons at sign-in and introspection, by outcome (match, drift, mismatch)', labelNames: ['outcome'], registers: [registry] }),
  };
}
