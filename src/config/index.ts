export { loadConfig } from './load.js';
export type { Config } from './load.js';
export { ConfigError } from './errors.js';
export { settings } from './settings.js';
export { parseDuration } from './duration.js';
