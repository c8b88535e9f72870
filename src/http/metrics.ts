/**
 * Prometheus metrics, one registry per app (no global state): tokens issued,
 * introspection answers, revocations, request durations by route and status, throttling,
 * risk signals and decisions, and fingerprint comparisons.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  tokensIssued: Counter<'kind'>;
  /** introspection answers by result, and whether the fast path or oidc-provider answered */
  introspections: Counter<'result' | 'path'>;
  revocations: Counter<string>;
  requests: Histogram<'route' | 'status'>;
  throttled: Counter<'endpoint' | 'key' | 'reason'>;
  lockouts: Counter<'endpoint' | 'key'>;
  throttleDegraded: Gauge<string>;
  throttleFallbacks: Counter<string>;
  riskSignals: Counter<'signal'>;
  riskDecisions: Counter<'decision'>;
  fingerprintOutcomes: Counter<'outcome'>;
}

/** Creates the metrics registry. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portcullis_' });
  const registers = [registry];
  return {
    registry,
    tokensIssued: new Counter({ name: 'portcullis_tokens_issued_total', help: 'Access tokens issued', labelNames: ['kind'], registers }),
    introspections: new Counter({ name: 'portcullis_introspections_total', help: 'Introspection answers by result, and whether the fast path or oidc-provider answered', labelNames: ['result', 'path'], registers }),
    revocations: new Counter({ name: 'portcullis_revocations_total', help: 'Access tokens revoked', registers }),
    requests: new Histogram({ name: 'portcullis_http_request_seconds', help: 'HTTP request duration', labelNames: ['route', 'status'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers }),
    throttled: new Counter({ name: 'portcullis_throttled_total', help: 'Requests refused with 429, by endpoint, key type and reason (requests, failures, lockout)', labelNames: ['endpoint', 'key', 'reason'], registers }),
    lockouts: new Counter({ name: 'portcullis_lockouts_total', help: 'Brute-force lockouts started, by endpoint and key type', labelNames: ['endpoint', 'key'], registers }),
    throttleDegraded: new Gauge({ name: 'portcullis_throttle_degraded', help: '1 while Redis is unreachable and limits are enforced per process by the local insurance limiter', registers }),
    throttleFallbacks: new Counter({ name: 'portcullis_throttle_fallbacks_total', help: 'Limiter operations answered by the local insurance limiter because Redis failed', registers }),
    riskSignals: new Counter({ name: 'portcullis_risk_signals_total', help: 'Risk signals observed, by signal', labelNames: ['signal'], registers }),
    riskDecisions: new Counter({ name: 'portcullis_risk_decisions_total', help: 'Risk decisions other than allow, by decision', labelNames: ['decision'], registers }),
    fingerprintOutcomes: new Counter({ name: 'portcullis_fingerprint_outcomes_total', help: 'Fingerprint comparisons at sign-in and introspection, by outcome (match, drift, mismatch)', labelNames: ['outcome'], registers }),
  };
}
