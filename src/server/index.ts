export { startIssuer } from './start.js';
export type { Issuer, IssuerExtensions, IssuerOptions } from './start.js';
export { startWorkerProcess } from './start-worker.js';
export type { WorkerProcess } from './start-worker.js';
