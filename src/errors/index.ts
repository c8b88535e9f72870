export { OAuthError, InvalidRequest, InvalidClient, InvalidToken, InvalidTarget, ServerError, TooManyRequests, errorBody } from './oauth-error.js';
export { renderErrors } from './render.js';
