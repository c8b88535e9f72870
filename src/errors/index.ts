export { OAuthError, InvalidRequest, InvalidClient, InvalidToken, InvalidTarget, ServerError, errorBody } from './oauth-error.js';
export { renderErrors } from './render.js';
