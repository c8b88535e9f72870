/**
 * RateLimit-Policy and RateLimit header fields in the form of
 * draft-ietf-httpapi-ratelimit-headers-10 (Structured Fields lists):
 *   RateLimit-Policy: "token-ip";q=600;w=60, "token-client";q=300;w=60
 *   RateLimit: "token-client";r=299;t=42
 * q = quota, w = window (s), r = remaining quota units, t = seconds until it resets.
 */
export interface PolicyState {
  name: string;
  quota: number;
  window: number;
  remaining: number;
  /** seconds */
  reset: number;
}

/** The two header fields for the given policies (empty when there are none). */
export function rateLimitHeaders(states: PolicyState[]): Record<string, string> {
  if (states.length === 0) return {};
  let policy = '';
  let limit = '';
  for (const s of states) { // on every throttled request: a plain loop, no arrays
    const sep = policy === '' ? '' : ', ';
    policy += `${sep}"${s.name}";q=${s.quota};w=${s.window}`;
    limit += `${sep}"${s.name}";r=${Math.max(0, s.remaining)};t=${Math.max(0, s.reset)}`;
  }
  return { 'RateLimit-Policy': policy, 'RateLimit': limit };
}
