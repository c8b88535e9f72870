/** Short-lived per-process memory of database lookups. */
export { createTtlCache } from './ttl-cache.js';
export type { TtlCache, TtlCacheOptions } from './ttl-cache.js';
