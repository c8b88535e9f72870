export { OAuthError, InvalidRequest, InvalidClient, InvalidToken, InvalidTarget, ServerError, TooManyRequests, TemporarilyUnavailable, errorBody } from './oauth-error.js';
export { renderErrors } from './render.js';
export type { Unavailability } from './render.js';
