export { loadConfig } from './load.js';
export type { Config } from './load.js';
export { ConfigError } from './errors.js';
export { settings } from './settings.js';
export { parseDuration } from './duration.js';
export { parseRates } from './rates.js';
export type { Rate, RateKey, Rates } from './rates.js';
export type { LockoutPolicy, ThrottleConfig, ThrottleKind, ThrottleLimits } from './throttle.js';
export { configTable } from './table.js';
