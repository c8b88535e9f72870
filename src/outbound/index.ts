/**
 * Outbound pushes: where the issuer may send them and how (https on public addresses
 * unless the operator lists a host; addresses checked at connect time; no redirects;
 * a deadline).
 */
export { isPublicAddress } from './addresses.js';
export { outboundPolicy, endpointProblem, registeredEndpointProblem } from './policy.js';
export type { OutboundPolicy } from './policy.js';
export { outboundPost, OutboundRefused } from './post.js';
export type { OutboundAnswer } from './post.js';
