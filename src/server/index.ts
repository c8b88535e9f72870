export { startIssuer } from './start.js';
export type { Issuer } from './start.js';
