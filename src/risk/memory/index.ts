/**
 * The risk engine's short-term memory (types.ts): process memory in embedded mode,
 * Redis shared by every process in cluster mode (falling back to process memory while
 * Redis is unreachable).
 */
export { createRiskMemory } from './create.js';
export type { RiskMemoryOptions } from './create.js';
export { createLocalMemory } from './local.js';
export { createRedisMemory } from './redis.js';
export type { LastPlace, RiskMemory, Space } from './types.js';
