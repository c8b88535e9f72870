/**
 * Throttling and brute-force protection: request and failure budgets per IP, client
 * and subject, growing lockouts, Redis-backed with a local insurance limiter.
 */
export { createThrottle } from './service.js';
export type { ThrottleOptions } from './service.js';
export { lockSeconds } from './lockout.js';
export { rateLimitHeaders } from './headers.js';
export type { PolicyState } from './headers.js';
export type { FailOptions, LimitReason, RateKey, Throttle, ThrottleEvents, ThrottleKeys, ThrottleKind, Verdict } from './types.js';
