/**
 * The resource server's SET receiver: Koa middleware for pushed Security Event Tokens
 * (RFC 8935) and the in-memory revocation view verifyAccessToken consults
 * (`revocationView`). Re-exported by src/sdk/index.ts.
 */
export { createSetReceiver } from './middleware.js';
export type { SetReceiver, SetReceiverOptions, ReceiverStats } from './middleware.js';
export { createRevocationView } from './view.js';
export type { ReceiverRevocationView, ViewOptions } from './view.js';
export { verifySet, SetVerificationError } from './verify-set.js';
export type { VerifiedSet, VerifySetOptions, SetErrorCode } from './verify-set.js';
export type { RevocationView, RevokableToken } from '../revocation-view.js';
export { createSetPoller } from './poller.js';
export type { SetPoller, SetPollerOptions } from './poller.js';
