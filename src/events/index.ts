/**
 * Security events (RFC 8417 SETs, OpenID SSF/CAEP/RISC): receivers, emit, push and
 * poll delivery. Other folders import only this file.
 */
export { CAEP, RISC, EVENT_TYPES, SUPPORTED_EVENT_TYPES, EVENT_NAMES, GENERATION_CLAIM, eventTypeOf } from './types.js';
export type { SecurityEventInput } from './types.js';
export { addReceiver, listReceivers, removeReceiver, receiverProblem, PUSH, POLL } from './receivers.js';
export type { Receiver, ReceiverInput } from './receivers.js';
export { createEventEmitter, EVENTS_PENDING_CHANNEL } from './emitter.js';
export type { EventEmitter, EventEmitterOptions } from './emitter.js';
export { deliverPush } from './deliver-push.js';
export type { PushOutcome, PushDeps } from './deliver-push.js';
export { pollEvents } from './poll.js';
export type { PollRequest, PollResponse } from './poll.js';
export { pollEndpoint, POLL_PATH } from './poll-endpoint.js';
export { signSet, SET_TYP } from './sign-set.js';
export { streamEndpoint, STREAM_PATH } from './stream-endpoint.js';
export { authenticateClient } from './client-auth.js';
