/**
 * The resource server's side of security events: a receiver for pushed Security Event
 * Tokens (RFC 8935; Koa middleware, with `handle` for Express and node:http), a poller
 * for poll delivery (RFC 8936), and the in-memory revocation view both keep, which the
 * verifier consults (`revocationView`).
 */
export { createSetReceiver } from './middleware.js';
export type { SetReceiver, SetReceiverOptions, ReceiverStats } from './middleware.js';
export { createRevocationView } from './view.js';
export type { ReceiverRevocationView, ViewOptions } from './view.js';
export { verifySet, SetVerificationError } from './verify-set.js';
export type { VerifiedSet, VerifySetOptions, SetErrorCode } from './verify-set.js';
export { createSetPoller } from './poller.js';
export type { SetPoller, SetPollerOptions } from './poller.js';
