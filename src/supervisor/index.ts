/**
 * Several issuer processes on one machine (WEB_CONCURRENCY): the node:cluster
 * supervisor, and the graceful drain every issuer process does when it stops.
 */
export { supervise } from './supervise.js';
export type { Supervisor, SuperviseOptions } from './supervise.js';
export { drain } from './drain.js';
