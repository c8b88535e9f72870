export { createRevocationService, grantKey, sessionKey, clientKey, audienceKey, REMOVAL_MARGIN_MS } from './service.js';
export type { RevocationService, TokenState, TokenBinding } from './service.js';
export { createRevocationMirror } from './mirror.js';
export type { RevocationMirror } from './mirror.js';
